#pragma once
// The tar `flux push artifact` makes of a directory or a single file (fluxcd/pkg oci/build.go build() and
// tar/tar.go Tar()): entries in filepath.WalkDir order (the root "." first, then each directory's entries by name,
// depth first), real permission bits, owner 0:0, times zero, Go's USTAR/PAX headers; symlinks and special files
// skipped; paths matching the ignore patterns left out (their directories are still walked, as flux does).
#include "transfer/artifact/ignore.hpp"

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer::flux_tar {

struct report {
  std::size_t files = 0, directories = 0;
  std::vector<std::string> skipped;  ///< symlinks and special files, relative paths
  std::vector<std::string> ignored;  ///< entries an ignore pattern left out
};

/// Receives the tar piece by piece, in order.
using sink = std::function<void(std::string_view)>;

/// The tar of `path` (a directory, or one file: then flux stages it alone in a fresh 0700 directory and writes it
/// with its permission bits less the umask), handed to `out` as it is made: files are read in 1 MiB pieces, so
/// memory does not grow with the tree. Throws transfer::error naming what could not be read.
void build(const std::string& path, const ignore::matcher& ignore, report& rep, const sink& out);
/// The same, whole (tests, small trees).
std::string build(const std::string& path, const ignore::matcher& ignore, report& rep);

}  // namespace ocimirror::transfer::flux_tar
