// Values from outside where they enter (issue 33): header values, bearer tokens, URLs, terminal text. Each check is
// held to what it promises: a value it lets through can never end or forge a header line or a line of output, and a
// URL it accepts has one host, no credentials and a port in range.
#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace {
namespace t = ocimirror::transfer;

void require(bool ok) {
  if (!ok) std::abort();
}

bool has_control(std::string_view s) {
  for (unsigned char c : s)
    if ((c < 0x20 && c != '\t') || c == 0x7f) return true;
  return false;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  require(t::header_value_ok(text) == !has_control(text));
  if (t::is_b64token(text)) require(t::header_value_ok(text) && text.find(' ') == std::string_view::npos);
  const auto shown = t::terminal_safe(text, 512);
  for (unsigned char c : shown) require(c >= 0x20 && c != 0x7f);
  try {
    const auto u = t::split_url(text);
    require(!u.host.empty() && u.authority.find('@') == std::string::npos);
    require(!has_control(u.authority) && !has_control(u.target) && !has_control(u.host));
    require(!u.port.empty() && std::atoi(u.port.c_str()) >= 1 && std::atoi(u.port.c_str()) <= 65535);
    require(u.target.starts_with('/'));
    require(t::same_origin(text, u.origin));
  } catch (const t::error&) {
  }
  if (size >= sizeof(double)) {
    double v;
    std::memcpy(&v, data, sizeof v);
    const auto n = t::clamp_number<std::int64_t>(v, -5, 1'000'000);
    require(n >= -5 && n <= 1'000'000);
  }
  return 0;
}
