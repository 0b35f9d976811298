#pragma once
// The ustar format, as much as OCI archives need: headers encoded and decoded with every field checked, member names
// that cannot leave the archive's root, and an index of a tar file's members for reading them in place. Pure
// except tar_index::scan, which reads headers only (members are skipped with seeks, never loaded).
#include <boost/system/result.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer::tar {

inline constexpr std::size_t block = 512;

enum class kind { file, directory };

struct entry {
  std::string name;  ///< normalised: no leading "./", no trailing "/"
  kind type = kind::file;
  std::uint64_t size = 0;
  bool executable = false;  ///< files: mode 0755 instead of 0644
};

/// A member name safe to join to a directory: relative, no "..", no empty or "." segments after normalising, no
/// NUL or backslash. Gives the normalised name ("./a//b/" -> "a/b") or why it is refused.
struct name_check {
  std::string value, problem;
  explicit operator bool() const { return problem.empty(); }
  const std::string& operator*() const { return value; }
  const std::string& error() const { return problem; }
};
name_check safe_name(std::string_view name);

/// One header block for a regular file or directory: mode 0644 (0755 for directories and executables), owner 0:0, mtime 0 (reproducible bytes).
/// Names up to 255 bytes (ustar prefix + name); longer ones throw std::length_error.
std::array<char, block> header(const entry& e);

/// What one header block says. An all-zero block is the end marker (`end` set). Anything but a regular file or a
/// directory (symlinks, hard links, devices, GNU/PAX extensions) is refused, as are bad checksums and unsafe names.
struct parsed {
  entry e;
  bool end = false;
};
boost::system::result<parsed, std::string> parse_header(const std::array<char, block>& b);

/// Zero bytes that pad a member of `size` bytes to a whole block.
inline std::uint64_t padding(std::uint64_t size) { return (block - size % block) % block; }

/// Where each regular file of a tar file lies. Duplicate names are refused (which one would be meant?).
struct member {
  std::uint64_t offset = 0, size = 0;
};
struct index {
  std::map<std::string, member> files;
  /// Reads every header of `path`, skipping member bodies. Throws transfer::error (io for a file that cannot be
  /// read, bad_manifest naming the member for a malformed or truncated archive).
  static index scan(const std::string& path);
};

}  // namespace ocimirror::transfer::tar
