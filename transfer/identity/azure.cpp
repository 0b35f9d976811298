#include "transfer/identity/azure.hpp"

#include "transfer/identity/call.hpp"
#include "transfer/identity/jwt.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <openssl/rand.h>

namespace ocimirror::transfer::identity {
namespace json = boost::json;

namespace {
std::int64_t seconds_of(clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::string random_id() {
  unsigned char b[16];
  RAND_bytes(b, sizeof b);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : b) out += {hex[c >> 4], hex[c & 15]};
  return out;
}

/// The tenant ACR's exchange wants: the configured one, else the AAD token's own `tid` claim.
std::string tenant_of(const azure_source& src, const std::string& aad) {
  if (!src.tenant.empty()) return src.tenant;
  auto claims = jwt_claims(aad);
  const auto* tid = claims ? claims->if_contains("tid") : nullptr;
  return tid && tid->is_string() ? std::string(tid->as_string()) : std::string();
}
}  // namespace

std::string azure_identity::assertion_fields(const azure_source& src) {
  auto text = read_(src.file);
  if (!text || text->empty()) throw error(errc::unauthorized, "cannot read " + src.where);
  std::string assertion;
  if (src.kind == azure_kind::workload_identity) {
    assertion = std::string(trim_space(*text));
  } else {
    // A certificate credential (RFC 7523 client assertion): signed by the certificate's key, which x5t names.
    auto key = read_rsa_key(*text);
    auto thumb = certificate_thumbprints(*text);
    if (!key || !thumb)
      throw error(errc::unauthorized, src.where +
                                          " must hold a PEM certificate and its unencrypted RSA private key (a .pfx "
                                          "file: convert it with `openssl pkcs12 -nodes`)");
    const auto now = seconds_of(clock::now());
    json::object claims{{"aud", azure_token_url(src)},
                        {"iss", src.client_id},
                        {"sub", src.client_id},
                        {"jti", random_id()},
                        {"nbf", now},
                        {"iat", now},
                        {"exp", now + 600}};
    assertion = sign_rs256(json::object{{"x5t", thumb->sha1}}, claims, key.get());
  }
  check_header_value(assertion, src.where);
  return "&client_assertion_type=" + form_value("urn:ietf:params:oauth:client-assertion-type:jwt-bearer") +
         "&client_assertion=" + form_value(assertion);
}

awaitable<timed_token> azure_identity::principal_token(const azure_source& src) {
  const std::string url = azure_token_url(src);
  std::string form =
      "grant_type=client_credentials&client_id=" + form_value(src.client_id) + "&scope=" + form_value(acr_scope);
  form += src.kind == azure_kind::client_secret ? "&client_secret=" + form_value(src.secret) : assertion_fields(src);
  const std::string what = "Azure AD token endpoint " + printable(url);
  auto ask = form_post(std::move(form));
  auto res = co_await call(http_, what, url, std::move(ask));
  co_return token_from(res, "access_token", what, src.where);
}

awaitable<std::optional<timed_token>> azure_identity::managed_token(const azure_source& src) {
  const std::string url = managed_identity_url(src);
  const std::string what = "Azure " + src.where;
  auto req = src.kind == azure_kind::app_service ? get_with({{"X-IDENTITY-HEADER", src.header}})
                                                 : get_with({{"Metadata", "true"}});
  string_response res;
  std::exception_ptr failed;
  try {
    res = co_await call(metadata_, what, url, std::move(req));
  } catch (...) {
    failed = std::current_exception();
  }
  // No IMDS on this host: no Azure identity, as the SDKs conclude from their probe. At the default address another
  // cloud's metadata service may answer (AWS's and Google's are there too): anything but a token means the same.
  if (failed && src.kind == azure_kind::imds && unreachable(failed)) co_return std::nullopt;
  if (failed) std::rethrow_exception(failed);
  if (src.probe && res.result_int() != 200) co_return std::nullopt;
  co_return token_from(res, "access_token", what, src.where);
}

awaitable<std::optional<timed_token>> azure_identity::aad_token(const azure_source& src) {
  if (aad_ && clock::now() + std::chrono::minutes(5) < aad_->expires) co_return aad_;
  if (!src.problem.empty()) throw error(errc::bad_reference, src.problem);
  std::optional<timed_token> fresh;
  if (src.kind == azure_kind::app_service || src.kind == azure_kind::imds)
    fresh = co_await managed_token(src);
  else
    fresh = co_await principal_token(src);
  aad_ = fresh;
  co_return fresh;
}

awaitable<std::optional<authenticator::timed_credentials>> azure_identity::acr(const std::string& registry,
                                                                               const std::string& origin) {
  const auto src = find_azure_source(env_);
  auto aad = co_await aad_token(src);
  if (!aad) co_return std::nullopt;
  if (auto why = plain_http_refusal(registry, origin)) throw error(errc::tls, *why);  // before the AAD token goes
  std::string form =
      "grant_type=access_token&service=" + form_value(registry) + "&access_token=" + form_value(aad->value);
  if (auto tenant = tenant_of(src, aad->value); !tenant.empty()) form += "&tenant=" + form_value(tenant);
  const std::string url = origin + "/oauth2/exchange";
  const std::string what = "ACR token exchange at " + printable(url);
  auto ask = form_post(std::move(form));
  auto res = co_await call(http_, what, url, std::move(ask));
  auto refresh = token_from(res, "refresh_token", what, "Azure " + src.where);
  // The answer states no lifetime; the refresh token (a JWT) carries it in `exp`.
  if (auto exp = jwt_expiry(refresh.value)) {
    const auto now = seconds_of(clock::now());
    refresh.expires = clock::time_point(std::chrono::seconds(std::clamp<std::int64_t>(*exp, now, now + 24 * 3600)));
  }
  credentials c{"00000000-0000-0000-0000-000000000000", "", std::move(refresh.value)};
  co_return authenticator::timed_credentials{std::move(c), refresh.expires};
}

}  // namespace ocimirror::transfer::identity
