#pragma once
// A Flux layer packed as it is made, for `ocimirror push PATH`: flux_tar's pieces gzipped (as gzip() does: level
// 9, no name, mtime 0) into a private temporary file while the tar (the config's diff_id) and the gzip (the layer's
// digest) are hashed. Memory stays flat whatever the tree's size; the layer is then uploaded from the file.
#include "transfer/artifact/artifact.hpp"
#include "transfer/artifact/flux_tar.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ocimirror::transfer::artifact {

/// Deflates what it is given into a temporary file beside nothing (TMPDIR), hashing both sides.
class gzip_writer {
 public:
  gzip_writer();
  ~gzip_writer();
  gzip_writer(const gzip_writer&) = delete;
  gzip_writer& operator=(const gzip_writer&) = delete;
  void write(std::string_view data);
  /// Ends the stream; the layer blob (file-backed) and the digest of what was written (uncompressed).
  blob finish(std::string_view media_type, std::string& input_digest);

 private:
  void pump(int flush);
  struct state;
  std::unique_ptr<state> s_;
};

/// flux push artifact's layer of `path`, streamed; `diff_id` receives the tar's digest.
blob pack_flux(const std::string& path, const ignore::matcher& ignore, flux_tar::report& rep, std::string& diff_id);

}  // namespace ocimirror::transfer::artifact
