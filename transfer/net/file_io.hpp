#pragma once
// Small POSIX file helpers for layouts: errors as transfer::error (errc::io) naming the path and errno's words.
#include "transfer/net/http.hpp"
#include "transfer/oci/regular_file.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace ocimirror::transfer::file {

/// An open descriptor, closed on destruction.
struct fd {
  int n = -1;
  explicit fd(int v = -1) : n(v) {}
  fd(fd&& o) noexcept : n(std::exchange(o.n, -1)) {}
  fd& operator=(fd&&) = delete;
  ~fd();
};

[[noreturn]] void fail(const std::string& what, const std::string& path);
int open_or_throw(const std::string& path, int flags, int mode = 0644);
void write_all(int f, std::string_view data, const std::string& path);
void pread_all(int f, char* out, std::size_t n, std::uint64_t offset, const std::string& path);
/// The whole of a regular file (never a FIFO or device: transfer/oci/regular_file.hpp), at most limit bytes.
std::string read_file(const std::string& path, std::size_t limit, links how = links::follow);
/// Every temporary file and directory ocimirror makes, made one way: mkstemp / mkdtemp (a random name, created
/// exclusively, 0600 / 0700), so a link or file a local user planted at a predictable name is never written
/// through. Removed on destruction unless kept.
struct temp_file {
  fd f;
  std::string path;
  temp_file(fd file, std::string p) : f(std::move(file)), path(std::move(p)) {}
  temp_file(temp_file&& o) noexcept : f(std::move(o.f)), path(std::exchange(o.path, {})) {}
  ~temp_file();
  /// The file stays (renamed into place by the caller, say): not removed on destruction.
  void keep() { path.clear(); }
};
/// DIR/NAMEXXXXXX (NAME ends in its own separator: "index.json.tmp-"), DIR being where the file must live (beside its
/// destination, for a rename into place).
temp_file make_temp_file(const std::string& dir, std::string_view name);
struct temp_dir {
  std::string path;
  explicit temp_dir(std::string p) : path(std::move(p)) {}
  temp_dir(temp_dir&& o) noexcept : path(std::exchange(o.path, {})) {}
  ~temp_dir();  ///< removed with everything in it
  void keep() { path.clear(); }
};
/// DIR/NAMEXXXXXX; DIR empty: $TMPDIR, else /tmp.
temp_dir make_temp_dir(const std::string& dir, std::string_view name);

/// What a file error says beyond the path it names ("No such file or directory", "is not a regular file (a FIFO,
/// device or socket); refused"): for messages that name the file themselves.
std::string failure_reason(const std::exception& e, const std::string& path);

/// Writes data to path atomically: a temporary name beside it, fsync, rename, fsync of the directory.
void write_atomic(const std::string& path, std::string_view data);
void fsync_dir(const std::string& dir);
/// Removes the files in dir whose names start with `prefix` followed by a process id (then anything) when that
/// process is gone: what a killed writer left. Returns how many were removed. Other names are never touched.
std::size_t sweep_orphans(const std::string& dir, std::string_view prefix);
/// Removes every file in dir whose name starts with prefix (the caller holds the lock that excludes any writer).
std::size_t sweep_all(const std::string& dir, std::string_view prefix);
/// Bytes [offset, offset+size) of an open file in pieces of up to 256 KiB; the descriptor is shared by the source.
http_client::chunk_source reader(std::shared_ptr<fd> f, std::uint64_t offset, std::uint64_t size, std::string path);

}  // namespace ocimirror::transfer::file
