// go/src/archive/tar: writer.go (WriteHeader, writeUSTARHeader, writePAXHeader, writeRawFile, templateV7Plus),
// common.go (allowedFormats), format.go (setFormat), strconv.go (formatOctal, formatString, toASCII).
#include "transfer/artifact/go_tar.hpp"

#include "transfer/oci/utf8.hpp"

#include <array>
#include <cstring>

namespace ocimirror::transfer::go_tar {
namespace {

constexpr std::size_t block = 512, name_len = 100, prefix_len = 155;
using blk = std::array<char, block>;

bool is_ascii(std::string_view s) {  // ranging over a Go string: an invalid byte is U+FFFD, not ASCII either
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

std::string to_ascii(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto d = utf8::decode(s.substr(i));
    if (d.rune < 0x80 && d.rune != 0 && !d.invalid) out += static_cast<char>(d.rune);
    i += d.width;
  }
  return out;
}

void put_string(blk& b, std::size_t at, std::size_t width, std::string_view s) {
  std::memcpy(b.data() + at, s.data(), std::min(width, s.size()));
  if (s.size() > width && b[at + width - 1] == '/') {  // "buggy readers" rule: no trailing slash in a cut name
    std::size_t n = width - 1;
    while (n > 0 && s[n - 1] == '/') --n;
    b[at + n] = '\0';
  }
}

void put_octal(blk& b, std::size_t at, std::size_t width, std::uint64_t v) {
  if (width - 1 < 22 && v >= (std::uint64_t(1) << (3 * (width - 1)))) v = 0;  // does not fit: Go writes zero
  std::string digits;
  do digits.insert(digits.begin(), static_cast<char>('0' + (v & 7)));
  while (v >>= 3);
  if (digits.size() < width - 1) digits.insert(0, width - 1 - digits.size(), '0');
  put_string(b, at, width, digits);
}

void finish(blk& b) {
  std::memcpy(b.data() + 257,
              "ustar\0"
              "00",
              8);  // USTAR and PAX share the magic
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < block; ++i) sum += (i >= 148 && i < 156) ? ' ' : static_cast<unsigned char>(b[i]);
  put_octal(b, 148, 7, sum);
  b[155] = ' ';
}

/// templateV7Plus with the numbers fluxcd/pkg/tar leaves: owner 0:0, mtime zero (time.Time{} writes 0).
blk main_header(std::string_view name, type t, std::uint32_t mode, std::uint64_t size) {
  blk b{};
  b[156] = static_cast<char>(t);
  put_string(b, 0, name_len, name);
  put_octal(b, 100, 8, mode);
  put_octal(b, 108, 8, 0);
  put_octal(b, 116, 8, 0);
  put_octal(b, 124, 12, size);
  put_octal(b, 136, 12, 0);
  put_octal(b, 329, 8, 0);  // devmajor
  put_octal(b, 337, 8, 0);  // devminor
  return b;
}

/// splitUSTARPath.
bool split_ustar(std::string_view name, std::string& prefix, std::string& suffix) {
  std::size_t length = name.size();
  if (length <= name_len || !is_ascii(name)) return false;
  if (length > prefix_len + 1)
    length = prefix_len + 1;
  else if (name[length - 1] == '/')
    --length;
  const auto i = name.substr(0, length).rfind('/');
  if (i == std::string_view::npos || i == 0) return false;
  const std::size_t nlen = name.size() - i - 1;
  if (nlen > name_len || nlen == 0 || i > prefix_len) return false;
  prefix = std::string(name.substr(0, i));
  suffix = std::string(name.substr(i + 1));
  return true;
}

std::string bytes(const blk& b) { return std::string(b.data(), b.size()); }

}  // namespace

std::string pax_record(std::string_view key, std::string_view value) {
  std::size_t size = key.size() + value.size() + 3;
  size += std::to_string(size).size();
  std::string record = std::to_string(size) + " " + std::string(key) + "=" + std::string(value) + "\n";
  if (record.size() != size)
    record = std::to_string(record.size()) + " " + std::string(key) + "=" + std::string(value) + "\n";
  return record;
}

std::string header(std::string_view name, type t, std::uint32_t mode, std::uint64_t size) {
  const bool size_fits = size < (std::uint64_t(1) << 33);
  const bool name_fits = is_ascii(name) && name.size() <= name_len;
  std::string prefix, suffix;
  if (size_fits && (name_fits || split_ustar(name, prefix, suffix))) {
    auto b = main_header(name_fits ? name : std::string_view(suffix), t, mode, size);
    put_string(b, 345, prefix_len, prefix);
    finish(b);
    return bytes(b);
  }
  std::string records;  // keys sorted: path before size
  if (!name_fits) records += pax_record("path", name);
  if (!size_fits) records += pax_record("size", std::to_string(size));
  const auto slash = name.rfind('/');
  const std::string dir = slash == std::string_view::npos ? "" : std::string(name.substr(0, slash + 1));
  const std::string file(slash == std::string_view::npos ? name : name.substr(slash + 1));
  std::string pax_name = to_ascii(dir + "PaxHeaders.0/" + file);
  if (pax_name.size() > name_len) pax_name.resize(name_len);
  while (!pax_name.empty() && pax_name.back() == '/') pax_name.pop_back();
  blk x{};
  x[156] = 'x';
  put_string(x, 0, name_len, pax_name);
  put_octal(x, 100, 8, 0);
  put_octal(x, 108, 8, 0);
  put_octal(x, 116, 8, 0);
  put_octal(x, 124, 12, records.size());
  put_octal(x, 136, 12, 0);
  finish(x);
  std::string out = bytes(x) + records;
  out.append((block - records.size() % block) % block, '\0');
  auto b = main_header(to_ascii(name), t, mode, size);
  finish(b);
  return out + bytes(b);
}

std::string trailer() { return std::string(2 * block, '\0'); }

}  // namespace ocimirror::transfer::go_tar
