#include "transfer/endpoint/layout.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

namespace ocimirror::transfer {

namespace {
std::string member_of(const std::string& digest) { return "blobs/sha256/" + digest.substr(7); }
}  // namespace

// ---- reading ----

layout_archive_reader::layout_archive_reader(std::string file)
    : layout_endpoint("oci-archive:" + file), file_(std::move(file)) {
  members_ = tar::index::scan(file_);
  fd_ = open_regular(file_);
  if (!members_.files.count("oci-layout"))
    throw error(errc::bad_archive, file_ + " is not an OCI archive: it has no oci-layout member");
  auto idx = members_.files.find("index.json");
  if (idx == members_.files.end())
    throw error(errc::bad_archive, file_ + " is not an OCI archive: it has no index.json");
  if (idx->second.size > max_manifest_pull) throw error(errc::too_large, file_ + ": index.json is too large");
  std::string bytes(idx->second.size, '\0');
  file::pread_all(fd_, bytes.data(), bytes.size(), idx->second.offset, file_);
  auto parsed = layout_index::parse(bytes);
  if (!parsed) throw error(errc::bad_archive, file_ + ": " + parsed.error());
  index_ = std::move(*parsed);
}

layout_archive_reader::~layout_archive_reader() {
  if (fd_ >= 0) ::close(fd_);
}

std::optional<std::uint64_t> layout_archive_reader::stored_size(const std::string& digest) {
  auto m = members_.files.find(member_of(digest));
  if (m == members_.files.end()) return std::nullopt;
  return m->second.size;
}

std::string layout_archive_reader::read_stored(const std::string& digest, std::size_t limit) {
  const auto& m = members_.files.at(member_of(digest));
  if (m.size > limit)
    throw error(errc::too_large, name_ + ": " + digest + " is over " + std::to_string(limit) + " bytes");
  std::string out(m.size, '\0');
  file::pread_all(fd_, out.data(), out.size(), m.offset, file_);
  return out;
}

http_client::chunk_source layout_archive_reader::open_stored(const std::string& digest) {
  const auto& m = members_.files.at(member_of(digest));
  auto f = std::make_shared<file::fd>(open_regular(file_));
  return file::reader(f, m.offset, m.size, file_);
}

awaitable<void> layout_archive_reader::store(const std::string&, std::uint64_t, http_client::chunk_source) {
  throw error(errc::io, name_ + " is a source here; it cannot be written");
  co_return;
}

void layout_archive_reader::verify_blobs() const {
  std::vector<char> buf(1 << 20);
  for (const auto& [name, m] : members_.files) {
    if (!name.starts_with("blobs/")) continue;
    const std::string digest = "sha256:" + name.substr(name.rfind('/') + 1);
    if (!name.starts_with("blobs/sha256/") || !is_valid_digest(digest))
      throw error(errc::bad_archive, file_ + ": member '" + name + "' is not named blobs/sha256/<64 hex digits>");
    sha256 h;
    for (std::uint64_t at = 0; at < m.size;) {
      const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), m.size - at));
      file::pread_all(fd_, buf.data(), n, m.offset + at, file_);
      h.update(std::as_bytes(std::span(buf.data(), n)));
      at += n;
    }
    if (auto got = h.finish(); got != digest)
      throw error(errc::bad_archive,
                  file_ + ": blob " + digest + " has content digest " + got + "; nothing was imported");
  }
}

// ---- writing ----

layout_archive_writer::layout_archive_writer(std::string file, std::set<std::string> since)
    : layout_endpoint("oci-archive:" + file), file_(std::move(file)), since_(std::move(since)) {
  // What a killed writer of this same file left: its partial archive and spools, once that process is gone.
  const std::filesystem::path f(file_);
  const std::string dir = f.has_parent_path() ? f.parent_path().string() : ".", base = f.filename().string();
  file::sweep_orphans(dir, base + ".partial-");
  file::sweep_orphans(dir, base + ".spool-");
}

layout_archive_writer::~layout_archive_writer() {
  if (out_ < 0) return;
  ::close(out_);
  if (!committed_) ::unlink(partial_.c_str());  // nothing half-written under the real name
}

/// FILE.KIND-PID-XXXXXX beside the archive, made by mkstemp: nothing planted is written through, and the pid lets
/// the next writer sweep what a killed one left (file::sweep_orphans).
file::temp_file layout_archive_writer::temporary(std::string_view kind) const {
  const std::filesystem::path f(file_);
  const std::string dir = f.has_parent_path() ? f.parent_path().string() : ".";
  return file::make_temp_file(dir,
                              f.filename().string() + "." + std::string(kind) + "-" + std::to_string(::getpid()) + "-");
}

void layout_archive_writer::open_partial() {
  if (out_ >= 0) return;
  auto t = temporary("partial");
  ::fchmod(t.f.n, 0644);  // an archive to be shared, as open(..., 0644) made it
  partial_ = t.path;
  out_ = std::exchange(t.f.n, -1);  // the writer owns it now: unlinked by the destructor unless committed
  t.keep();
}

awaitable<std::optional<std::uint64_t>> layout_archive_writer::blob_size(const std::string&,
                                                                         const std::string& digest) {
  check_digest(digest);
  if (auto have = stored_size(digest)) co_return have;
  if (since_.count(digest)) {
    left_out_.insert(digest);
    co_return std::uint64_t{0};  // the far side has it: as good as present
  }
  co_return std::nullopt;
}

std::optional<std::uint64_t> layout_archive_writer::stored_size(const std::string& digest) {
  auto w = written_.find(digest);
  if (w == written_.end()) return std::nullopt;
  return w->second;
}

std::string layout_archive_writer::read_stored(const std::string& digest, std::size_t limit) {
  auto m = manifests_.find(digest);
  if (m == manifests_.end() || m->second.size() > limit)
    throw error(errc::not_found, name_ + ": only manifests can be read back while the archive is written");
  return m->second;
}

http_client::chunk_source layout_archive_writer::open_stored(const std::string&) {
  throw error(errc::io, name_ + " is a destination here; its blobs cannot be read back");
}

void layout_archive_writer::append(const std::string& member, std::uint64_t size, int from_fd) {
  open_partial();
  const auto h = tar::header({member, tar::kind::file, size, false});
  file::write_all(out_, std::string_view(h.data(), h.size()), partial_);
  std::vector<char> buf(1 << 20);
  for (std::uint64_t at = 0; at < size;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - at));
    file::pread_all(from_fd, buf.data(), n, at, partial_);
    file::write_all(out_, std::string_view(buf.data(), n), partial_);
    at += n;
  }
  const std::string pad(tar::padding(size), '\0');
  file::write_all(out_, pad, partial_);
  at_ += tar::block + size + pad.size();
}

awaitable<void> layout_archive_writer::store(const std::string& digest, std::uint64_t size,
                                             http_client::chunk_source next) {
  // Spooled first: other blobs may be arriving at the same time, and only checked bytes go into the archive.
  auto spooled = temporary("spool");
  const std::string spool = spooled.path;
  ::unlink(spool.c_str());  // anonymous from here on: gone with the descriptor whatever happens
  spooled.keep();
  const auto& f = spooled.f;
  std::uint64_t written = 0;
  for (;;) {
    auto piece = co_await next();
    if (piece.empty()) break;
    file::write_all(f.n, std::string_view(piece.data(), piece.size()), spool);
    written += piece.size();
  }
  if (written != size)
    throw error(errc::digest_mismatch, name_ + ": blob " + digest + " came with " + std::to_string(written) +
                                           " bytes, not " + std::to_string(size));
  if (written_.count(digest)) co_return;  // the same blob arrived twice at once
  append(member_of(digest), size, f.n);
  written_[digest] = size;
}

awaitable<void> layout_archive_writer::put_manifest(const std::string& repo, const std::string& target,
                                                    const std::string& bytes, const std::string& media_type) {
  manifests_[sha256_digest(bytes)] = bytes;  // read back when a later tag of the run finds it present
  co_await layout_endpoint::put_manifest(repo, target, bytes, media_type);
}

awaitable<void> layout_archive_writer::commit() {
  open_partial();
  std::string index = index_.render();
  for (const auto& [member, bytes] : {std::pair<std::string, std::string>{"oci-layout", std::string(layout_marker)},
                                      std::pair<std::string, std::string>{"index.json", index}}) {
    const auto h = tar::header({member, tar::kind::file, bytes.size(), false});
    file::write_all(out_, std::string_view(h.data(), h.size()), partial_);
    file::write_all(out_, bytes, partial_);
    file::write_all(out_, std::string(tar::padding(bytes.size()), '\0'), partial_);
  }
  file::write_all(out_, std::string(2 * tar::block, '\0'), partial_);
  if (::fsync(out_) != 0) file::fail("fsync", partial_);
  ::close(out_);
  out_ = -1;
  if (::rename(partial_.c_str(), file_.c_str()) != 0) {
    ::unlink(partial_.c_str());
    file::fail("rename into", file_);
  }
  committed_ = true;
  file::fsync_dir(std::filesystem::absolute(file_).parent_path().string());
  co_return;
}

}  // namespace ocimirror::transfer
