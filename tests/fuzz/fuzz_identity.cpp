// What the clouds' token services, metadata services and credential files hand over (issue 36): an OAuth2 answer,
// an AWS keys document, a Google credentials file, a JWT. Each reader is held to what it promises: a token it
// accepts can be sent as a header value and expires within a day; an error line stays short and printable; keys
// it accepts are both there; a file it reads either names a usable source or says why not.
#include "transfer/identity/aws_chain.hpp"
#include "transfer/identity/google_source.hpp"
#include "transfer/identity/jwt.hpp"
#include "transfer/identity/token_answer.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {
namespace t = ocimirror::transfer;
namespace id = ocimirror::transfer::identity;

void require(bool ok) {
  if (!ok) std::abort();
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto now = id::clock::now();
  for (const char* field : {"access_token", "token", "refresh_token"}) {
    try {
      const auto tok = id::token_of(text, field, now, "fuzz");
      require(!tok.value.empty() && t::header_value_ok(tok.value));
      require(tok.expires >= now - std::chrono::seconds(1) && tok.expires <= now + std::chrono::hours(25));
    } catch (const t::error&) {}
  }
  const auto line = id::error_of(400, text);
  require(line.size() <= 320);
  for (unsigned char c : line) require(c >= 0x20 && c != 0x7f);
  std::int64_t expires = 0;
  const auto keys = t::parse_json_credentials(text, &expires);
  require(keys.empty() || (!keys.access_key_id.empty() && !keys.secret_access_key.empty()));
  const auto g = id::google_source_of(text, "fuzz.json");
  require(g.kind != id::google_kind::none);
  if (g.problem.empty() && g.kind == id::google_kind::external_account)
    require(!g.token_uri.empty() && (!g.subject_file.empty() || !g.subject_url.empty()));
  (void)id::jwt_expiry(text);
  if (auto decoded = id::base64url_decode(text)) require(id::base64url(*decoded).size() <= text.size());
  (void)id::rfc3339_seconds(text);
  return 0;
}
