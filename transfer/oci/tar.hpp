#pragma once
// The ustar format, as much as OCI archives need: headers encoded and decoded with every field checked, member names
// that cannot leave the archive's root, and an index of a tar file's members for reading them in place. Pure
// except tar_index::scan, which reads headers only (members are skipped with seeks, never loaded).
#include <boost/system/result.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer::tar {

inline constexpr std::size_t block = 512;

enum class kind { file, directory };

struct entry {
  std::string name;  ///< normalised: no leading "./", no trailing "/"
  kind type = kind::file;
  std::uint64_t size = 0;
  bool executable = false;    ///< files: mode 0755 instead of 0644 (header())
  std::uint32_t mode = 0644;  ///< read: the permission bits the header gives (0777 at most: no setuid, setgid, sticky)
};

/// A member name safe to join to a directory: relative, no "..", no empty or "." segments after normalising, no
/// NUL or backslash. Gives the normalised name ("./a//b/" -> "a/b") or why it is refused.
struct name_check {
  std::string value, problem;
  explicit operator bool() const { return problem.empty(); }
  const std::string& operator*() const { return value; }
  const std::string& error() const { return problem; }
};
name_check safe_name(std::string_view name);

/// One header block for a regular file or directory: mode 0644 (0755 for directories and executables), owner 0:0, mtime
/// 0 (reproducible bytes). Names up to 255 bytes (ustar prefix + name); longer ones throw std::length_error.
std::array<char, block> header(const entry& e);

/// What one header block says. An all-zero block is the end marker (`end` set). A PAX extended header ('x' for the
/// next member, 'g' global) sets `extension` and its body size. A directory naming the archive's root ("." or
/// "./", what flux's and Go's tar writers put first) sets `root`: nothing to create. Anything but a regular file or
/// a directory (symlinks, hard links, devices, GNU long names) is refused, as are bad checksums and unsafe names.
struct parsed {
  entry e;
  bool end = false;
  char extension = 0;  ///< 'x' or 'g'; e.size is the size of its records
  bool root = false;
};
/// `path`: the name a PAX header gave this member, used instead of the ustar name fields.
boost::system::result<parsed, std::string> parse_header(const std::array<char, block>& b,
                                                        const std::optional<std::string>& path = std::nullopt);

/// The records of a PAX extended header body ("LEN key=value\n" each) that name a member: path and size. Any
/// other key is ignored. An error for a malformed record.
struct pax {
  std::optional<std::string> path;
  std::optional<std::uint64_t> size;
};
boost::system::result<pax, std::string> parse_pax(std::string_view records);

/// Zero bytes that pad a member of `size` bytes to a whole block.
inline std::uint64_t padding(std::uint64_t size) { return (block - size % block) % block; }

/// Where each regular file of a tar file lies. Duplicate names are refused (which one would be meant?).
struct member {
  std::uint64_t offset = 0, size = 0;
  std::uint32_t mode = 0644;
};
struct index {
  std::map<std::string, member> files;
  std::map<std::string, std::uint32_t> directories;  ///< directory entries (empty ones included), with their modes
  /// Reads every header of `path`, skipping member bodies. Throws transfer::error (io for a file that cannot be
  /// read, bad_manifest naming the member for a malformed or truncated archive).
  static index scan(const std::string& path);
};

}  // namespace ocimirror::transfer::tar
