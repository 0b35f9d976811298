#include "transfer/net/file_io.hpp"

#include "transfer/oci/errors.hpp"
#include "transfer/oci/regular_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cerrno>
#include <charconv>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

namespace ocimirror::transfer::file {

fd::~fd() {
  if (n >= 0) ::close(n);
}

void fail(const std::string& what, const std::string& path) {
  throw error(errc::io, "cannot " + what + " " + path + ": " + std::strerror(errno));
}

int open_or_throw(const std::string& path, int flags, int mode) {
  const int f = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (f < 0) fail((flags & (O_WRONLY | O_RDWR)) ? "write" : "open", path);
  return f;
}

void write_all(int f, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const auto n = ::write(f, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("write", path);
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

void pread_all(int f, char* out, std::size_t n, std::uint64_t offset, const std::string& path) {
  while (n > 0) {
    const auto got = ::pread(f, out, n, static_cast<off_t>(offset));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) fail("read", path);
    if (got == 0) throw error(errc::bad_archive, path + " ended early (truncated?)");
    out += got, n -= static_cast<std::size_t>(got), offset += static_cast<std::uint64_t>(got);
  }
}

std::string read_file(const std::string& path, std::size_t limit, links how) {
  fd f(open_regular(path, how));
  std::string out;
  char buf[64 << 10];
  for (;;) {
    const auto n = ::read(f.n, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("read", path);
    if (n == 0) return out;
    if (out.size() + static_cast<std::size_t>(n) > limit)
      throw error(errc::too_large, path + " is over " + std::to_string(limit) + " bytes");
    out.append(buf, static_cast<std::size_t>(n));
  }
}

void fsync_dir(const std::string& dir) {
  fd d(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (d.n >= 0) ::fsync(d.n);
}

std::string failure_reason(const std::exception& e, const std::string& path) {
  std::string_view what = e.what();
  for (const std::string& prefix : {"cannot open " + path + ": ", "cannot read " + path + ": ", path + " "})
    if (what.starts_with(prefix)) return std::string(what.substr(prefix.size()));
  return std::string(what);
}

temp_file::~temp_file() {
  if (!path.empty()) ::unlink(path.c_str());
}

temp_file make_temp_file(const std::string& dir, std::string_view name) {
  std::string templ = (dir.empty() ? std::string(".") : dir) + "/" + std::string(name) + "XXXXXX";
  const int f = ::mkostemp(templ.data(), O_CLOEXEC);  // O_EXCL, 0600, a random name: nothing planted is used
  if (f < 0) fail("create a temporary file in", dir.empty() ? "." : dir);
  return temp_file(fd(f), templ);
}

temp_dir::~temp_dir() {
  std::error_code ignored;
  if (!path.empty()) std::filesystem::remove_all(path, ignored);  // links inside are removed, never followed
}

temp_dir make_temp_dir(const std::string& dir, std::string_view name) {
  std::string base = dir;
  if (base.empty()) {
    const char* t = std::getenv("TMPDIR");
    base = t && *t ? t : "/tmp";
  }
  std::string templ = base + "/" + std::string(name) + "XXXXXX";
  if (!::mkdtemp(templ.data())) fail("create a temporary directory in", base);
  return temp_dir(templ);
}

void write_atomic(const std::string& path, std::string_view data) {
  const auto p = std::filesystem::path(path);
  auto tmp = make_temp_file(p.parent_path().string(), p.filename().string() + ".tmp-");
  write_all(tmp.f.n, data, tmp.path);
  if (::fsync(tmp.f.n) != 0) fail("fsync", tmp.path);
  if (::fchmod(tmp.f.n, 0644) != 0) fail("chmod", tmp.path);  // what open(..., 0644) under umask 022 gave
  if (::rename(tmp.path.c_str(), path.c_str()) != 0) fail("rename into", path);
  tmp.keep();
  fsync_dir(p.parent_path().string());
}

namespace {
template <class Doomed>
std::size_t sweep(const std::string& dir, std::string_view prefix, Doomed doomed) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const auto name = e.path().filename().string();
    if (!name.starts_with(prefix) || !e.is_regular_file(ec) || !doomed(std::string_view(name).substr(prefix.size())))
      continue;
    if (::unlink(e.path().c_str()) == 0) ++n;
  }
  return n;
}
}  // namespace

std::size_t sweep_orphans(const std::string& dir, std::string_view prefix) {
  return sweep(dir, prefix, [](std::string_view rest) {
    long pid = 0;
    auto [end, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), pid);
    if (ec != std::errc{} || pid <= 0 || end == rest.data() || (end != rest.data() + rest.size() && *end != '-'))
      return false;
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
  });
}

std::size_t sweep_all(const std::string& dir, std::string_view prefix) {
  return sweep(dir, prefix, [](std::string_view) { return true; });
}

http_client::chunk_source reader(std::shared_ptr<fd> f, std::uint64_t offset, std::uint64_t size, std::string path) {
  auto buf = std::make_shared<std::vector<char>>(256u << 10);
  auto pos = std::make_shared<std::uint64_t>(0);
  return [f = std::move(f), buf, pos, offset, size, path = std::move(path)]() -> awaitable<std::span<const char>> {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf->size(), size - *pos));
    if (n > 0) pread_all(f->n, buf->data(), n, offset + *pos, path);
    *pos += n;
    co_return std::span<const char>(buf->data(), n);
  };
}

}  // namespace ocimirror::transfer::file
