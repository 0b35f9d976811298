// What `oci-archive:FILE` reads first from an untrusted tar: every header (names checked for escapes, sizes and
// checksums), then index.json as the layout's index.
#include "transfer/oci/errors.hpp"
#include "transfer/oci/layout_index.hpp"
#include "transfer/oci/tar.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace t = ocimirror::transfer;
  static const int fd = ::memfd_create("fuzz.tar", 0);
  if (::ftruncate(fd, 0) != 0 || ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size)) return 0;
  try {
    const auto idx = t::tar::index::scan("/proc/self/fd/" + std::to_string(fd));
    for (const auto& [name, m] : idx.files) {
      if (!t::tar::safe_name(name)) __builtin_trap();  // scan let an unsafe name through
      if (m.offset + m.size > size) __builtin_trap();  // a member beyond the file
    }
    if (auto it = idx.files.find("index.json"); it != idx.files.end())
      (void)t::layout_index::parse(
          std::string(reinterpret_cast<const char*>(data) + it->second.offset, it->second.size));
  } catch (const t::error&) {}
  return 0;
}
