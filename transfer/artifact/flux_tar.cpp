#include "transfer/artifact/flux_tar.hpp"

#include "transfer/artifact/go_tar.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/errors.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

namespace ocimirror::transfer::flux_tar {
namespace fs = std::filesystem;
namespace {

/// FileInfoHeader's mode: the permission bits plus setuid, setgid and sticky (std::filesystem::perms has the POSIX
/// values), from the status the walk already read.
std::uint32_t go_mode(const fs::file_status& st) { return static_cast<std::uint32_t>(st.permissions()) & 07777; }

/// A file's header and bytes, read in pieces (never held whole): a 2 GiB file costs 1 MiB of memory. A file that
/// grows or shrinks while it is read is refused: the header already gave its size.
void append_file(const sink& out, const std::string& name, const fs::path& p, std::uint32_t mode,
                 links how = links::refuse) {
  file::fd f(open_regular(p.string(), how));  // the walk saw a regular file: a link swapped in since is refused
  struct stat st {};
  if (::fstat(f.n, &st) != 0) file::fail("stat", p.string());
  const auto size = static_cast<std::uint64_t>(st.st_size);
  out(go_tar::header(name, go_tar::type::file, mode, size));
  std::string buf(std::min<std::uint64_t>(size, 1u << 20), '\0');
  for (std::uint64_t at = 0; at < size;) {
    const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - at));
    file::pread_all(f.n, buf.data(), n, at, p.string());
    out(std::string_view(buf.data(), n));
    at += n;
  }
  char more;
  if (::pread(f.n, &more, 1, static_cast<off_t>(size)) != 0)
    throw error(errc::io, p.string() + " changed while it was read; push again once it is still");
  out(std::string((512 - size % 512) % 512, '\0'));
}

struct walker {
  const ignore::matcher& ignore;
  report& rep;
  const sink& out;

  void dir(const fs::path& at, std::vector<std::string>& rel) {
    std::vector<fs::directory_entry> entries(fs::directory_iterator(at), fs::directory_iterator{});
    std::sort(entries.begin(), entries.end(),  // os.ReadDir: by file name, bytewise
              [](const auto& a, const auto& b) { return a.path().filename().string() < b.path().filename().string(); });
    for (const auto& e : entries) {
      rel.push_back(e.path().filename().string());
      std::string name;
      for (const auto& s : rel) name += (name.empty() ? "" : "/") + s;
      const auto st = e.symlink_status();
      if (fs::is_directory(st)) {
        if (ignore.excluded(rel, true))
          rep.ignored.push_back(name);
        else
          out(go_tar::header(name, go_tar::type::directory, go_mode(st), 0)), ++rep.directories;
        dir(e.path(), rel);  // WalkDir still walks an excluded directory: a '!' pattern may take a child back
      } else if (fs::is_regular_file(st)) {
        if (ignore.excluded(rel, false))
          rep.ignored.push_back(name);
        else
          append_file(out, name, e.path(), go_mode(st)), ++rep.files;
      } else {
        rep.skipped.push_back(name);
      }
      rel.pop_back();
    }
  }
};

mode_t current_umask() {
  const mode_t m = ::umask(022);
  ::umask(m);
  return m;
}

}  // namespace

void build(const std::string& path, const ignore::matcher& ignore, report& rep, const sink& out) {
  std::error_code ec;
  const auto st = fs::status(path, ec);  // the root is followed if it is a link
  if (ec || !fs::exists(st)) throw error(errc::not_found, "source path does not exist: " + path);
  walker w{ignore, rep, out};
  if (fs::is_directory(st)) {
    out(go_tar::header(".", go_tar::type::directory, go_mode(st), 0));
    std::vector<std::string> rel;
    w.dir(path, rel);
  } else if (fs::is_regular_file(st)) {
    // build() copies the file into os.MkdirTemp (0700) with OpenFile(mode.Perm()), which the umask trims.
    out(go_tar::header(".", go_tar::type::directory, 0700, 0));
    const auto name = fs::path(path).filename().string();
    if (ignore.excluded({name}, false))
      rep.ignored.push_back(name);
    else
      append_file(out, name, path, (go_mode(st) & 0777) & ~current_umask(), links::follow), ++rep.files;
  } else {
    throw error(errc::io, path + " is neither a directory nor a regular file");
  }
  out(go_tar::trailer());
}

std::string build(const std::string& path, const ignore::matcher& ignore, report& rep) {
  std::string tar;
  build(path, ignore, rep, [&tar](std::string_view piece) { tar.append(piece); });
  return tar;
}

}  // namespace ocimirror::transfer::flux_tar
