#include "transfer/oci/tar.hpp"

#include "transfer/oci/errors.hpp"
#include "transfer/oci/regular_file.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace ocimirror::transfer::tar {
namespace {

// ustar field offsets and widths.
constexpr std::size_t name_at = 0, name_len = 100, mode_at = 100, uid_at = 108, gid_at = 116, size_at = 124,
                      mtime_at = 136, sum_at = 148, type_at = 156, magic_at = 257, prefix_at = 345, prefix_len = 155;

void put_octal(std::array<char, block>& b, std::size_t at, std::size_t width, std::uint64_t v) {
  // width-1 digits, then NUL. 11 digits cover 8 GiB; larger sizes use the base-256 form GNU tar and Go read.
  if (width == 12 && v >= (1ull << 33)) {
    b[at] = static_cast<char>(0x80);
    for (std::size_t i = width - 1; i > 0; --i, v >>= 8) b[at + i] = static_cast<char>(v & 0xff);
    return;
  }
  for (std::size_t i = width - 1; i-- > 0; v >>= 3) b[at + i] = static_cast<char>('0' + (v & 7));
  b[at + width - 1] = '\0';
}

std::optional<std::uint64_t> get_number(const std::array<char, block>& b, std::size_t at, std::size_t width) {
  if (static_cast<unsigned char>(b[at]) == 0x80) {  // base-256
    std::uint64_t v = 0;
    for (std::size_t i = 1; i < width; ++i) {
      if (v >> 56) return std::nullopt;
      v = (v << 8) | static_cast<unsigned char>(b[at + i]);
    }
    return v;
  }
  std::uint64_t v = 0;
  std::size_t i = 0;
  while (i < width && b[at + i] == ' ') ++i;
  bool any = false;
  for (; i < width && b[at + i] >= '0' && b[at + i] <= '7'; ++i, any = true) {
    if (v >> 60) return std::nullopt;
    v = v * 8 + static_cast<unsigned>(b[at + i] - '0');
  }
  for (; i < width; ++i)
    if (b[at + i] != ' ' && b[at + i] != '\0') return std::nullopt;
  return any ? std::optional(v) : std::nullopt;
}

std::uint64_t checksum(const std::array<char, block>& b) {
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < block; ++i)
    sum += (i >= sum_at && i < sum_at + 8) ? ' ' : static_cast<unsigned char>(b[i]);
  return sum;
}

std::string field(const std::array<char, block>& b, std::size_t at, std::size_t width) {
  const char* p = b.data() + at;
  return std::string(p, strnlen(p, width));
}

/// "." or "./" (or "././/"): the archive's root itself, which safe_name rightly refuses as a member to create.
bool names_root(std::string_view n) {
  if (n.empty() || n.front() == '/') return false;
  for (std::size_t start = 0; start <= n.size();) {
    auto slash = n.find('/', start);
    if (slash == std::string_view::npos) slash = n.size();
    if (const auto seg = n.substr(start, slash - start); !seg.empty() && seg != ".") return false;
    start = slash + 1;
  }
  return true;
}

}  // namespace

name_check safe_name(std::string_view name) {
  auto refused = [](std::string why) { return name_check{{}, std::move(why)}; };
  if (name.empty()) return refused("an empty name");
  if (name.front() == '/') return refused("'" + std::string(name) + "' is an absolute path");
  if (name.find('\0') != std::string_view::npos || name.find('\\') != std::string_view::npos)
    return refused("'" + std::string(name) + "' holds a NUL or backslash");
  std::string out;
  std::size_t start = 0;
  while (start <= name.size()) {
    auto slash = name.find('/', start);
    if (slash == std::string_view::npos) slash = name.size();
    auto seg = name.substr(start, slash - start);
    if (seg == "..") return refused("'" + std::string(name) + "' climbs out of the archive with '..'");
    if (!seg.empty() && seg != ".") out += (out.empty() ? "" : "/") + std::string(seg);
    start = slash + 1;
  }
  if (out.empty()) return refused("'" + std::string(name) + "' names the archive's root");
  return name_check{out, {}};
}

std::array<char, block> header(const entry& e) {
  std::array<char, block> b{};
  std::string name = e.name;
  if (e.type == kind::directory) name += "/";
  std::string prefix;
  if (name.size() > name_len) {
    // Split at a slash so that the prefix fits 155 bytes and the rest 100.
    auto cut = name.rfind('/', std::min(name.size() - 1, prefix_len));
    while (cut != std::string::npos && name.size() - cut - 1 > name_len) cut = std::string::npos;
    if (cut == std::string::npos || cut == 0) throw std::length_error("tar member name too long: " + e.name);
    prefix = name.substr(0, cut);
    name = name.substr(cut + 1);
  }
  std::memcpy(b.data() + name_at, name.data(), name.size());
  std::memcpy(b.data() + prefix_at, prefix.data(), prefix.size());
  put_octal(b, mode_at, 8, e.type == kind::directory || e.executable ? 0755 : 0644);
  put_octal(b, uid_at, 8, 0);
  put_octal(b, gid_at, 8, 0);
  put_octal(b, size_at, 12, e.type == kind::directory ? 0 : e.size);
  put_octal(b, mtime_at, 12, 0);
  b[type_at] = e.type == kind::directory ? '5' : '0';
  std::memcpy(b.data() + magic_at,
              "ustar\0"
              "00",
              8);
  std::memset(b.data() + sum_at, ' ', 8);
  put_octal(b, sum_at, 7, checksum(b));
  b[sum_at + 7] = ' ';
  return b;
}

boost::system::result<parsed, std::string> parse_header(const std::array<char, block>& b,
                                                        const std::optional<std::string>& path) {
  parsed out;
  bool zero = true;
  for (char c : b) zero &= c == 0;
  if (zero) {
    out.end = true;
    return out;
  }
  auto sum = get_number(b, sum_at, 8);
  if (!sum || *sum != checksum(b)) return std::string("a header with a bad checksum (not a tar, or corrupt)");
  const std::string raw = field(b, name_at, name_len);
  const bool ustar = std::memcmp(b.data() + magic_at, "ustar\0", 6) == 0;  // GNU's "ustar  " has no prefix field
  const std::string prefix = ustar ? field(b, prefix_at, prefix_len) : std::string();
  const std::string full = path ? *path : prefix.empty() ? raw : prefix + "/" + raw;
  const char type = b[type_at];
  auto size = get_number(b, size_at, 12);
  if (!size) return "member '" + full + "' has an unreadable size";
  if (type == 'x' || type == 'g') {  // PAX: Go (flux, helm) writes these for long or non-ASCII names
    out.extension = type;
    out.e.size = *size;
    return out;
  }
  if (type == '0' || type == '\0' || type == '7') {
    out.e.type = kind::file;
  } else if (type == '5') {
    out.e.type = kind::directory;
  } else {
    const char* what = type == '1'                    ? "a hard link"
                       : type == '2'                  ? "a symbolic link"
                       : (type == 'L' || type == 'K') ? "a GNU long-name header"
                                                      : "a device or special file";
    return "member '" + full + "' is " + what + ", which is refused";
  }
  out.e.mode = static_cast<std::uint32_t>(get_number(b, mode_at, 8).value_or(0644) & 0777);
  if (out.e.type == kind::directory && names_root(full)) {
    out.root = true;  // "./": the archive's own root, nothing to create
    return out;
  }
  auto name = safe_name(full);
  if (!name) return "member " + name.error();
  out.e.name = *name;
  out.e.size = out.e.type == kind::directory ? 0 : *size;
  return out;
}

boost::system::result<pax, std::string> parse_pax(std::string_view records) {
  using result = boost::system::result<pax, std::string>;
  auto refused = [](const char* why) { return result(boost::system::in_place_error, why); };
  pax out;
  while (!records.empty()) {
    const auto space = records.find(' ');
    std::uint64_t len = 0;
    for (std::size_t i = 0; i < space && space != std::string_view::npos; ++i) {
      if (records[i] < '0' || records[i] > '9' || len > records.size()) return refused("a malformed PAX record length");
      len = len * 10 + static_cast<std::uint64_t>(records[i] - '0');
    }
    if (space == std::string_view::npos || space == 0 || len <= space + 1 || len > records.size() ||
        records[len - 1] != '\n')
      return refused("a malformed PAX record");
    const auto kv = records.substr(space + 1, len - space - 2);
    records.remove_prefix(len);
    const auto eq = kv.find('=');
    if (eq == std::string_view::npos) return refused("a PAX record without '='");
    const auto key = kv.substr(0, eq), value = kv.substr(eq + 1);
    if (key == "path") {
      out.path = std::string(value);
    } else if (key == "size") {
      std::uint64_t n = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
      if (value.empty() || ec != std::errc{} || end != value.data() + value.size())
        return refused("a PAX size that is not a number");
      out.size = n;
    } else if (key == "linkpath") {
      return refused("a PAX header naming a link target");
    }
  }
  return out;
}

index index::scan(const std::string& path) {
  const int f = open_regular(path);  // a FIFO or a device is refused, never waited on
  struct closer {
    int f;
    ~closer() { ::close(f); }
  } closing{f};
  struct stat st {};
  ::fstat(f, &st);
  const std::uint64_t total = static_cast<std::uint64_t>(st.st_size);
  auto read_at = [&](std::uint64_t where, char* out, std::size_t n) {
    while (n > 0) {
      const auto got = ::pread(f, out, n, static_cast<off_t>(where));
      if (got < 0 && errno == EINTR) continue;
      if (got <= 0)
        throw error(errc::io, "cannot read " + path +
                                  (got < 0 ? ": " + std::string(std::strerror(errno)) : std::string(" (it shrank)")));
      out += got, n -= static_cast<std::size_t>(got), where += static_cast<std::uint64_t>(got);
    }
  };
  index idx;
  std::uint64_t at = 0;
  std::array<char, block> b{};
  std::optional<pax> next;  // an 'x' header's records, for the member after it
  for (;;) {
    if (at + block > total)
      throw error(errc::bad_archive, path + " is truncated: it ends at byte " + std::to_string(total) +
                                         " without the end-of-archive marker");
    read_at(at, b.data(), block);
    auto h = parse_header(b, next ? next->path : std::nullopt);
    if (!h) throw error(errc::bad_archive, path + " at byte " + std::to_string(at) + ": " + h.error());
    if (h->end) {
      if (next) throw error(errc::bad_archive, path + " ends right after a PAX header");
      break;
    }
    at += block;
    if (h->extension) {
      // The records of a PAX header: bounded, read whole, applied to the next member ('x') or ignored ('g').
      if (h->e.size > (1u << 20) || h->e.size > total - at)
        throw error(errc::bad_archive, path + " at byte " + std::to_string(at - block) + ": a PAX header of " +
                                           std::to_string(h->e.size) + " bytes");
      std::string records(h->e.size, '\0');
      read_at(at, records.data(), records.size());
      auto p = parse_pax(records);
      if (!p) throw error(errc::bad_archive, path + " at byte " + std::to_string(at - block) + ": " + p.error());
      if (h->extension == 'x') next = std::move(*p);
      at += h->e.size + padding(h->e.size);
      continue;
    }
    if (next) {  // its path went into parse_header; its size wins over the ustar field
      if (next->size && h->e.type == kind::file) h->e.size = *next->size;
      next.reset();
    }
    if (h->root) continue;
    if (h->e.type == kind::directory) {
      idx.directories[h->e.name] = h->e.mode;
      continue;
    }
    if (h->e.type == kind::file) {
      if (h->e.size > total - at)
        throw error(errc::bad_archive, path + " is truncated: member '" + h->e.name + "' needs " +
                                           std::to_string(h->e.size) + " bytes, " + std::to_string(total - at) +
                                           " are left");
      if (idx.directories.count(h->e.name) || !idx.files.emplace(h->e.name, member{at, h->e.size, h->e.mode}).second)
        throw error(errc::bad_archive, path + " holds member '" + h->e.name + "' twice");
      at += h->e.size + padding(h->e.size);
    }
  }
  return idx;
}

}  // namespace ocimirror::transfer::tar
