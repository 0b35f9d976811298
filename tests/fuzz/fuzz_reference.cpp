// Image references as users and configs write them: parse, and a parsed reference prints to text that parses back
// to the same reference.
#include "transfer/oci/reference.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  using ocimirror::transfer::parse_reference;
  for (auto parsed : {parse_reference(text), ocimirror::transfer::parse_repository(text)}) {
    if (!parsed) continue;
    auto again = parse_reference(parsed->str());
    if (parsed->tag.empty() && parsed->digest.empty()) again = ocimirror::transfer::parse_repository(parsed->str());
    if (!again || again->str() != parsed->str() || again->repository != parsed->repository) std::abort();
    (void)parsed->api_host();
  }
  (void)ocimirror::transfer::is_valid_tag(text);
  return 0;
}
