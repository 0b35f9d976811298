// What registries put in headers: WWW-Authenticate challenges, Link pages, Retry-After, Location resolved against
// the request URL.
#include "transfer/net/headers.hpp"
#include "transfer/net/retry.hpp"

#include <chrono>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace t = ocimirror::transfer;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (const auto& c : t::parse_www_authenticate(text)) (void)c.param("realm");
  (void)t::parse_next_link(text);
  (void)t::parse_retry_after(text, std::chrono::system_clock::time_point{});
  const std::string resolved = t::resolve_url("https://registry.example:5000/v2/app/blobs/uploads/", text);
  (void)t::url_origin(resolved);
  (void)t::url_origin(text);
  return 0;
}
