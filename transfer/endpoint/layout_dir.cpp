#include "transfer/endpoint/layout.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <filesystem>
#include <random>

namespace ocimirror::transfer {
namespace fs = std::filesystem;

namespace {
std::string hex_of(const std::string& digest) { return digest.substr(7); }
}  // namespace

layout_dir::layout_dir(std::string dir, mode m) : layout_endpoint("oci:" + dir), dir_(std::move(dir)) {
  std::error_code ec;
  if (m == mode::write) {
    // Never scatter blobs/ and index.json into a folder that holds something else.
    if (fs::is_directory(dir_) && !fs::is_empty(dir_) && !fs::exists(dir_ + "/oci-layout"))
      throw error(
          errc::io,
          dir_ + " is a non-empty directory but not an OCI layout (no oci-layout file); refusing to write into it");
    fs::create_directories(dir_ + "/blobs/sha256", ec);
    if (ec) throw error(errc::io, "cannot create " + dir_ + "/blobs/sha256: " + ec.message());
    lock_fd_ = file::open_or_throw(dir_, O_RDONLY | O_DIRECTORY);
    if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0)
      throw error(errc::io, dir_ + " is being written by another ocimirror process");
    // Holding the lock, nothing else writes here: temporary names are what a killed writer left behind.
    file::sweep_all(dir_ + "/blobs/sha256", ".tmp-");
    file::sweep_all(dir_, "index.json.tmp-");
    file::sweep_all(dir_, "oci-layout.tmp-");
    if (!fs::exists(dir_ + "/oci-layout")) file::write_atomic(dir_ + "/oci-layout", layout_marker);
    if (!fs::exists(dir_ + "/index.json")) {
      write_index();
      return;
    }
  } else if (!fs::is_directory(dir_)) {
    throw error(errc::not_found, "no OCI layout directory " + dir_);
  }
  if (!fs::exists(dir_ + "/oci-layout"))
    throw error(errc::bad_archive, dir_ + " is not an OCI image layout (no oci-layout file)");
  auto parsed = layout_index::parse(file::read_file(dir_ + "/index.json", max_manifest_pull, links::refuse));
  if (!parsed) throw error(errc::bad_archive, dir_ + "/" + parsed.error());
  index_ = std::move(*parsed);
}

layout_dir::layout_dir(std::string dir, std::string name) : layout_endpoint(std::move(name)), dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_ + "/blobs/sha256", ec);
  if (ec) throw error(errc::io, "cannot create " + dir_ + "/blobs/sha256: " + ec.message());
}

layout_dir::~layout_dir() {
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

std::string layout_dir::blob_path(const std::string& digest) const { return dir_ + "/blobs/sha256/" + hex_of(digest); }

std::optional<std::uint64_t> layout_dir::stored_size(const std::string& digest) {
  struct stat st {};
  if (::stat(blob_path(digest).c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return static_cast<std::uint64_t>(st.st_size);
}

std::string layout_dir::read_stored(const std::string& digest, std::size_t limit) {
  return file::read_file(blob_path(digest), limit, links::refuse);
}

http_client::chunk_source layout_dir::open_stored(const std::string& digest) {
  const auto path = blob_path(digest);
  auto f = std::make_shared<file::fd>(open_regular(path, links::refuse));
  struct stat st {};
  ::fstat(f->n, &st);
  return file::reader(f, 0, static_cast<std::uint64_t>(st.st_size), path);
}

awaitable<void> layout_dir::store(const std::string& digest, std::uint64_t size, http_client::chunk_source next) {
  const auto final_path = blob_path(digest);
  const std::string name = ".tmp-" + hex_of(digest).substr(0, 16) + "-";
  auto tmp = file::make_temp_file(dir_ + "/blobs/sha256", name);  // removed unless renamed into place
  std::exception_ptr failed;
  try {
    std::uint64_t written = 0;
    for (;;) {
      auto piece = co_await next();
      if (piece.empty()) break;
      file::write_all(tmp.f.n, std::string_view(piece.data(), piece.size()), tmp.path);
      written += piece.size();
    }
    if (written != size)
      throw error(errc::digest_mismatch, name_ + ": blob " + digest + " came with " + std::to_string(written) +
                                             " bytes, not " + std::to_string(size));
    if (::fsync(tmp.f.n) != 0) file::fail("fsync", tmp.path);
    if (::fchmod(tmp.f.n, 0644) != 0) file::fail("chmod", tmp.path);  // blobs are content, readable as before
    if (::rename(tmp.path.c_str(), final_path.c_str()) != 0) file::fail("rename into", final_path);
    tmp.keep();
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed) {
    std::rethrow_exception(failed);
  }
}

void layout_dir::write_index() const { file::write_atomic(dir_ + "/index.json", index_.render()); }

void layout_dir::index_changed() { write_index(); }

// ---- backups ----

namespace {
bool is_stamp(const std::string& s) {
  // 20261123T101500Z, optionally -N when two runs fall in one second
  if (s.size() < 16 || s[8] != 'T' || s[15] != 'Z') return false;
  for (std::size_t i = 0; i < 15; ++i)
    if (i != 8 && !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
  return s.size() == 16 || s[16] == '-';
}

std::string utc_stamp() {
  const auto t = std::time(nullptr);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string make_stamp(const std::string& root) {
  auto base = utc_stamp();
  auto stamp = base;
  for (int n = 1; fs::exists(root + "/" + stamp) || fs::exists(root + "/.partial-" + stamp); ++n)
    stamp = base + "-" + std::to_string(n);
  return stamp;
}
}  // namespace

std::vector<std::string> layout_snapshots::list(const std::string& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root, ec))
    if (e.is_directory() && !e.is_symlink() && is_stamp(e.path().filename().string()))
      out.push_back(e.path().filename().string());
  // Stamps sort as times; "-N" suffixes sort after their base.
  std::sort(out.begin(), out.end());
  return out;
}

layout_snapshots::layout_snapshots(std::string root, std::size_t keep)
    : layout_dir(root + "/.partial-" + make_stamp(root), "oci:" + root), root_(std::move(root)), keep_(keep) {
  stamp_ = dir_.substr(root_.size() + 10);
  auto done = list(root_);
  if (!done.empty()) previous_ = root_ + "/" + done.back();
  file::write_atomic(dir_ + "/oci-layout", layout_marker);
  lock_fd_ = file::open_or_throw(root_, O_RDONLY | O_DIRECTORY);
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    fs::remove_all(dir_);
    throw error(errc::io, root_ + " is being written by another ocimirror process");
  }
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(root_, ec))  // what a killed run left behind
    if (auto n = e.path().filename().string(); n.starts_with(".partial-") && e.path() != fs::path(dir_))
      fs::remove_all(e.path(), ec);
}

layout_snapshots::~layout_snapshots() {
  std::error_code ec;
  if (!committed_) fs::remove_all(dir_, ec);  // a run that failed leaves no half snapshot
}

std::optional<std::uint64_t> layout_snapshots::stored_size(const std::string& digest) {
  if (auto here = layout_dir::stored_size(digest)) return here;
  if (previous_.empty()) return std::nullopt;
  // Held by the previous snapshot: linked, not copied (hard links share the bytes; the last unlink frees them).
  const auto old = previous_ + "/blobs/sha256/" + hex_of(digest);
  if (::link(old.c_str(), blob_path(digest).c_str()) != 0) return std::nullopt;
  return layout_dir::stored_size(digest);
}

awaitable<void> layout_snapshots::commit() {
  write_index();
  file::fsync_dir(dir_);
  const auto final_dir = root_ + "/" + stamp_;
  if (::rename(dir_.c_str(), final_dir.c_str()) != 0) file::fail("rename into", final_dir);
  committed_ = true;
  const auto link_tmp = root_ + "/.latest-" + stamp_;
  ::unlink(link_tmp.c_str());
  if (::symlink(stamp_.c_str(), link_tmp.c_str()) == 0) ::rename(link_tmp.c_str(), (root_ + "/latest").c_str());
  auto all = list(root_);
  for (std::size_t i = 0; i + keep_ < all.size(); ++i) fs::remove_all(root_ + "/" + all[i]);
  file::fsync_dir(root_);
  co_return;
}

}  // namespace ocimirror::transfer
