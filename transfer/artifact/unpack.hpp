#pragma once
// A layer unpacked as it arrives, as `ocimirror pull` takes it: gzip inflated piece by piece (gunzip_stream), the
// tar read front to back (tar::stream_reader), each member written under a private scratch directory
// (extract_sink) that the caller renames into place once the layer's digest has been checked. Nothing is spooled;
// memory stays flat whatever the layer's size, and the bounds (bytes inflated, entries, the files' total) are
// checked as the bytes come.
#include "transfer/oci/tar_stream.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer::file {
struct temp_file;
struct temp_dir;
}  // namespace ocimirror::transfer::file

namespace ocimirror::transfer::artifact {

class gunzip_stream {
 public:
  using output = std::function<void(std::string_view)>;
  /// `what` names the stream in errors; more than max_bytes inflated is refused (too_large), the message ending with
  /// `hint` (how to raise the bound, where there is a way).
  gunzip_stream(output out, std::uint64_t max_bytes, std::string what, std::string hint = {});
  ~gunzip_stream();
  gunzip_stream(const gunzip_stream&) = delete;
  gunzip_stream& operator=(const gunzip_stream&) = delete;
  /// Throws transfer::error: bad_archive (not gzip, corrupt), too_large.
  void feed(std::string_view compressed);
  /// After the last piece: throws bad_archive unless the gzip stream ended.
  void finish() const;

 private:
  struct state;
  std::unique_ptr<state> z_;
  output out_;
  std::uint64_t max_, total_ = 0;
  std::string what_, hint_;
  bool ended_ = false;
};

/// Writes what a tar stream holds under `root` (which exists and is private): files created exclusively without
/// following links, their permission bits kept (0777 at most, owner read added); directory modes are set by
/// finish(), deepest first, so that a read-only directory does not refuse what is written into it.
class extract_sink : public tar::stream_sink {
 public:
  explicit extract_sink(std::string root);
  ~extract_sink() override;
  void directory(const std::string& name, std::uint32_t mode) override;
  void file_begin(const std::string& name, std::uint64_t size, std::uint32_t mode) override;
  void file_data(std::string_view bytes) override;
  void file_end() override;
  void finish();

 private:
  std::string root_, current_;
  int fd_ = -1;
  std::uint32_t mode_ = 0644;
  std::vector<std::pair<std::string, std::uint32_t>> directories_;
};

/// A layer's bytes into DIR as they arrive: a tar.gz unpacked under a private DIR.partial-XXXXXX, anything else (a
/// Flux static layer) written as one file DIR.layer-XXXXXX. commit() renames it into place — called only after the
/// layer's digest has been checked, so DIR never holds a layer that is not the one named. Dropped without commit,
/// everything it wrote goes.
class layer_unpacker {
 public:
  /// max_bytes bounds the bytes inflated and the files' total (--max-size).
  layer_unpacker(std::string dir, std::uint64_t max_bytes, std::string what);
  ~layer_unpacker();
  void feed(std::string_view bytes);
  /// The files written, 0 for a single file (single_file()).
  std::size_t commit();
  bool single_file() const { return one_ != nullptr; }

 private:
  void start(bool gzip);
  std::string dir_, parent_, base_;
  std::uint64_t max_, written_ = 0;
  std::string what_, head_;
  std::unique_ptr<file::temp_file> one_;
  std::unique_ptr<file::temp_dir> scratch_;
  std::unique_ptr<extract_sink> sink_;
  std::unique_ptr<tar::stream_reader> tar_;
  std::unique_ptr<gunzip_stream> gz_;
};

}  // namespace ocimirror::transfer::artifact
