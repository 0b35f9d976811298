#include "transfer/artifact/unpack.hpp"

#include "transfer/net/file_io.hpp"
#include "transfer/oci/errors.hpp"

#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace ocimirror::transfer::artifact {
namespace fs = std::filesystem;

struct gunzip_stream::state {
  z_stream z{};
  std::vector<char> out = std::vector<char>(256u << 10);
};

gunzip_stream::gunzip_stream(output out, std::uint64_t max_bytes, std::string what, std::string hint)
    : z_(std::make_unique<state>()),
      out_(std::move(out)),
      max_(max_bytes),
      what_(std::move(what)),
      hint_(std::move(hint)) {
  if (inflateInit2(&z_->z, 15 + 32) != Z_OK) throw error(errc::io, "zlib inflateInit2 failed");  // gzip or zlib
}

gunzip_stream::~gunzip_stream() { inflateEnd(&z_->z); }

void gunzip_stream::feed(std::string_view compressed) {
  auto& z = z_->z;
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  z.avail_in = static_cast<uInt>(compressed.size());
  while (z.avail_in > 0) {
    if (ended_) {  // another gzip member follows (concatenated streams, which Go's reader also takes)
      inflateReset(&z);
      ended_ = false;
    }
    z.next_out = reinterpret_cast<Bytef*>(z_->out.data());
    z.avail_out = static_cast<uInt>(z_->out.size());
    const int rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR)
      throw error(errc::bad_archive, what_ + " is not valid gzip: " + (z.msg ? z.msg : "corrupt"));
    const auto n = z_->out.size() - z.avail_out;
    total_ += n;
    if (total_ > max_)
      throw error(errc::too_large, what_ + " inflates to more than " + std::to_string(max_ >> 20) + " MiB" + hint_);
    if (n) out_(std::string_view(z_->out.data(), n));
    if (rc == Z_STREAM_END) ended_ = true;
    if (rc == Z_BUF_ERROR && n == 0) break;  // needs more input
  }
}

void gunzip_stream::finish() const {
  if (!ended_) throw error(errc::bad_archive, what_ + " is truncated: the gzip stream does not end");
}

extract_sink::extract_sink(std::string root) : root_(std::move(root)) {}

extract_sink::~extract_sink() {
  if (fd_ >= 0) ::close(fd_);
}

void extract_sink::directory(const std::string& name, std::uint32_t mode) {
  fs::create_directories(fs::path(root_) / name);
  directories_.emplace_back(name, mode);
}

void extract_sink::file_begin(const std::string& name, std::uint64_t, std::uint32_t mode) {
  const fs::path target = fs::path(root_) / name;
  fs::create_directories(target.parent_path());
  current_ = target.string();
  // O_EXCL and O_NOFOLLOW: a name the archive already wrote, or any link, is never written through.
  fd_ = file::open_or_throw(current_, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
  mode_ = mode;
}

void extract_sink::file_data(std::string_view bytes) { file::write_all(fd_, bytes, current_); }

void extract_sink::file_end() {
  // The archive's permission bits (0777 at most), as tar and flux's extraction keep them; owner read kept.
  if (::fchmod(fd_, static_cast<mode_t>(mode_ | 0400)) != 0) file::fail("chmod", current_);
  ::close(fd_);
  fd_ = -1;
}

void extract_sink::finish() {
  std::sort(directories_.begin(), directories_.end());
  for (auto it = directories_.rbegin(); it != directories_.rend(); ++it)
    fs::permissions(fs::path(root_) / it->first, static_cast<fs::perms>(it->second | 0700), fs::perm_options::replace);
}

layer_unpacker::layer_unpacker(std::string dir, std::uint64_t max_bytes, std::string what)
    : dir_(std::move(dir)), max_(max_bytes), what_(std::move(what)) {
  const fs::path target = fs::absolute(dir_);
  parent_ = target.parent_path().string();
  base_ = target.filename().string();
}

layer_unpacker::~layer_unpacker() = default;

void layer_unpacker::start(bool gzip) {
  if (!gzip) {  // a Flux static layer: one file, written as DIR
    one_ = std::make_unique<file::temp_file>(file::make_temp_file(parent_, base_ + ".layer-"));
    return;
  }
  scratch_ = std::make_unique<file::temp_dir>(file::make_temp_dir(parent_, base_ + ".partial-"));
  sink_ = std::make_unique<extract_sink>(scratch_->path);
  tar_ = std::make_unique<tar::stream_reader>(*sink_, tar::stream_limits{.max_bytes = max_}, what_);
  gz_ = std::make_unique<gunzip_stream>([this](std::string_view out) { tar_->feed(out); }, max_, what_,
                                        "; raise --max-size if that is meant");
}

void layer_unpacker::feed(std::string_view bytes) {
  if (!one_ && !gz_) {  // the first two bytes tell a gzip stream (1f 8b) from anything else
    head_.append(bytes);
    if (head_.size() < 2) return;
    start(head_[0] == '\x1f' && head_[1] == '\x8b');
    bytes = head_;
  }
  if (gz_) {
    gz_->feed(bytes);
  } else {
    written_ += bytes.size();
    if (written_ > max_)
      throw error(errc::too_large,
                  what_ + " is larger than " + std::to_string(max_ >> 20) + " MiB; raise --max-size if that is meant");
    file::write_all(one_->f.n, bytes, one_->path);
  }
  head_.clear();
}

std::size_t layer_unpacker::commit() {
  if (!one_ && !gz_) start(false);  // under two bytes: a (tiny) static file
  if (one_) {
    if (!head_.empty()) file::write_all(one_->f.n, head_, one_->path);
    if (fs::exists(dir_))
      throw error(errc::io, what_ + " is one file, not a tar.gz: name a file that does not exist yet, not " + dir_);
    ::fchmod(one_->f.n, 0644);  // mkstemp's 0600, as a file written by flux pull
    fs::rename(one_->path, dir_);
    one_->keep();
    return 0;
  }
  gz_->finish();
  tar_->finish();
  sink_->finish();
  if (fs::exists(dir_)) fs::remove(dir_);                                       // empty, as checked before
  fs::permissions(scratch_->path, fs::perms(0755), fs::perm_options::replace);  // mkdtemp's 0700, as mkdir's
  fs::rename(scratch_->path, dir_);
  scratch_->keep();
  return tar_->files();
}

}  // namespace ocimirror::transfer::artifact
