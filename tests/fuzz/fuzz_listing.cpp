// What a registry serves as a paged list (tag lists, the catalog) and as error text: the pager must stay bounded
// and never keep a page it refused; printable() must leave nothing a terminal obeys. Input: LINK "\n" BODY.
#include "transfer/oci/errors.hpp"
#include "transfer/oci/reference.hpp"
#include "transfer/registry/listing.hpp"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace t = ocimirror::transfer;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto nl = text.find('\n');
  const auto link = text.substr(0, nl == std::string_view::npos ? 0 : nl);
  const auto body = nl == std::string_view::npos ? text : text.substr(nl + 1);
  for (const char* key : {"tags", "repositories"}) {
    const bool tags = std::string_view(key) == "tags";
    t::list_pager p("https://r.example/v2/a/tags/list?n=10", key,
                    [tags](std::string_view n) { return tags ? t::is_valid_tag(n) : t::is_valid_repository(n); },
                    {.max_entries = 50, .max_pages = 4, .max_bytes = 1 << 16});
    for (int i = 0; i < 6; ++i) {
      const auto before = p.pages();
      const auto out = p.add(body, link);
      if (out == t::list_pager::outcome::corrupt && p.pages() != before) std::abort();  // a refused page counted
      if (out != t::list_pager::outcome::next && out != t::list_pager::outcome::corrupt) break;
    }
    for (const auto& n : p.take())
      if (!(tags ? t::is_valid_tag(n) : t::is_valid_repository(n))) std::abort();  // an invalid name got through
  }
  for (unsigned char c : t::printable(text))
    if (c < 0x20 || c >= 0x7f) std::abort();
  for (unsigned char c : t::describe_registry_error(500, body))
    if (c < 0x20 || c >= 0x7f) std::abort();
  return 0;
}
