#include "transfer/identity/google.hpp"

#include "transfer/identity/call.hpp"
#include "transfer/identity/jwt.hpp"
#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace ocimirror::transfer::identity {
namespace json = boost::json;

namespace {
std::int64_t seconds_of(clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
}  // namespace

awaitable<timed_token> google_identity::service_account(const google_source& s) {
  // RFC 7523 JWT bearer grant, as google-auth's service_account.Credentials makes it.
  auto key = read_rsa_key(s.private_key);
  if (!key) throw error(errc::unauthorized, s.where + "'s private_key is not an unencrypted RSA key");
  const auto now = seconds_of(clock::now());
  json::object claims{{"iss", s.client_email},
                      {"scope", cloud_platform_scope},
                      {"aud", s.token_uri},
                      {"iat", now},
                      {"exp", now + 3600}};
  json::object header;
  if (!s.private_key_id.empty()) header["kid"] = s.private_key_id;
  const std::string form = "grant_type=" + form_value("urn:ietf:params:oauth:grant-type:jwt-bearer") +
                           "&assertion=" + form_value(sign_rs256(std::move(header), claims, key.get()));
  const std::string what = "Google token endpoint " + printable(s.token_uri);
  auto ask = form_post(form);
  auto res = co_await call(http_, what, s.token_uri, std::move(ask));
  co_return token_from(res, "access_token", what, s.where);
}

awaitable<timed_token> google_identity::authorized_user(const google_source& s) {
  const std::string form = "grant_type=refresh_token&client_id=" + form_value(s.client_id) +
                           "&client_secret=" + form_value(s.client_secret) +
                           "&refresh_token=" + form_value(s.refresh_token);
  const std::string what = "Google token endpoint " + printable(s.token_uri);
  auto ask = form_post(form);
  auto res = co_await call(http_, what, s.token_uri, std::move(ask));
  co_return token_from(res, "access_token", what, s.where);
}

awaitable<std::string> google_identity::subject_token(const google_source& s) {
  std::optional<std::string> body;
  std::string from;
  if (!s.subject_file.empty()) {
    from = "credential_source.file " + s.subject_file;
    body = read_(s.subject_file);
  } else {
    from = "credential_source.url " + redacted_url(s.subject_url);
    http::request<http::string_body> req{http::verb::get, "", 11};
    for (const auto& [k, v] : s.subject_headers) {
      const bool token = !k.empty() && std::all_of(k.begin(), k.end(), [](unsigned char c) {
        return std::isalnum(c) ||
               std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
      });
      if (!token) throw error(errc::unauthorized, s.where + "'s credential_source.headers names an invalid header");
      check_header_value(v, s.where + "'s credential_source.headers");
      req.set(k, v);
    }
    const std::string what = s.where + "'s " + from;
    // Plain HTTP is allowed only on the host (a metadata service, such as Azure's IMDS): reached directly then.
    auto& client = s.subject_url.starts_with("http://") ? metadata_ : http_;
    auto res = co_await call(client, what, s.subject_url, std::move(req));
    if (res.result_int() != 200)
      throw error(errc::unauthorized, s.where + "'s " + from + " answered " + error_of(res.result_int(), res.body()));
    body = std::move(res.body());
  }
  auto token = body ? subject_token_of(s, *body) : std::nullopt;
  if (!token) throw error(errc::unauthorized, "no subject token in " + s.where + "'s " + from);
  co_return *token;
}

awaitable<timed_token> google_identity::external_account(const google_source& s) {
  // RFC 8693 token exchange at Google's STS, as google-auth's external_account.Credentials does it.
  const std::string subject = co_await subject_token(s);
  const std::string form = "grant_type=" + form_value("urn:ietf:params:oauth:grant-type:token-exchange") +
                           "&audience=" + form_value(s.audience) + "&scope=" + form_value(cloud_platform_scope) +
                           "&requested_token_type=" + form_value("urn:ietf:params:oauth:token-type:access_token") +
                           "&subject_token_type=" + form_value(s.subject_token_type) +
                           "&subject_token=" + form_value(subject);
  const std::string what = "Google STS " + printable(s.token_uri);
  auto ask = form_post(form);
  auto res = co_await call(http_, what, s.token_uri, std::move(ask));
  auto federated = token_from(res, "access_token", what, s.where);
  if (s.impersonation_url.empty()) co_return federated;
  // The federated token buys a service account's token (IAM Credentials generateAccessToken).
  http::request<http::string_body> req{http::verb::post, "", 11};
  req.set(http::field::content_type, "application/json");
  req.set(http::field::authorization, "Bearer " + federated.value);
  req.body() = json::serialize(json::object{{"scope", json::array{cloud_platform_scope}}, {"lifetime", "3600s"}});
  const std::string imp = "Google IAM generateAccessToken " + printable(s.impersonation_url);
  auto answer = co_await call(http_, imp, s.impersonation_url, std::move(req));
  co_return token_from(answer, "accessToken", imp, s.where);
}

awaitable<std::optional<timed_token>> google_identity::from_metadata(const google_source& s) {
  string_response res;
  std::exception_ptr failed;
  try {
    auto ask = get_with({{"Metadata-Flavor", "Google"}});
    const std::string what = "Google " + s.where;
    res = co_await call(metadata_, what, s.metadata_url, std::move(ask));
  } catch (...) {
    failed = std::current_exception();
  }
  if (failed && unreachable(failed)) co_return std::nullopt;  // not on Google Cloud: no identity, as ADC concludes
  if (failed) std::rethrow_exception(failed);
  // Whatever answers must say it is the metadata server (google-auth checks the same header).
  if (res["Metadata-Flavor"] != "Google") co_return std::nullopt;
  co_return token_from(res, "access_token", "Google " + s.where, s.where);
}

awaitable<std::optional<authenticator::timed_credentials>> google_identity::registry_credentials() {
  const auto s = find_google_source(env_, read_);
  if (s.kind == google_kind::none) co_return std::nullopt;
  if (!s.problem.empty()) throw error(errc::unauthorized, s.problem);
  std::optional<timed_token> t;
  switch (s.kind) {
    case google_kind::service_account:
      t = co_await service_account(s);
      break;
    case google_kind::authorized_user:
      t = co_await authorized_user(s);
      break;
    case google_kind::external_account:
      t = co_await external_account(s);
      break;
    default:
      t = co_await from_metadata(s);
  }
  if (!t) co_return std::nullopt;
  co_return authenticator::timed_credentials{{"oauth2accesstoken", std::move(t->value), {}}, t->expires};
}

}  // namespace ocimirror::transfer::identity
