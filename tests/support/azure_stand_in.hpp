#pragma once
// Stand-ins for Microsoft Entra ID (Azure AD) and Azure Container Registry's token exchange, written from the
// published protocols (not from ocimirror's client), for integration tests of ocimirror's Azure support. Every
// request is checked the way the service documents it; anything else is refused with that service's error JSON and
// counted (refused(), last_refusal()).
//  - azure_ad_stand_in: Entra's v2.0 token endpoint (client secret, certificate assertion, federated token), the
//    Instance Metadata Service's managed-identity endpoint and App Service's identity endpoint, on one server.
//  - acr_stand_in: ACR's /oauth2/exchange and /oauth2/token in front of a real distribution registry in token mode.
#include "tests/support/loopback_server.hpp"
#include "tests/support/registry_fixture.hpp"

#include <array>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::testing {

/// Entra ID's token endpoint, IMDS and App Service's identity endpoint on one loopback server. Access tokens are
/// JWT-shaped (tid, aud, appid, exp claims; the signature is random bytes) and remembered, so valid() can judge them.
class azure_ad_stand_in {
 public:
  /// How a token was obtained (for tokens_issued(source)).
  enum class source { secret, certificate, federated, imds, app_service };
  inline static constexpr std::size_t sources = 5;
  /// What valid() found a token to be.
  enum class verdict { valid, unknown, expired, wrong_audience };

  /// tenant: the directory (tenant) id in token URLs; client_id: the application's, and the managed identity's.
  azure_ad_stand_in(std::string tenant, std::string client_id);

  const std::string& tenant() const { return tenant_; }
  const std::string& client_id() const { return client_id_; }
  /// "http://127.0.0.1:PORT": what AZURE_AUTHORITY_HOST points at; tokens at POST /{tenant}/oauth2/v2.0/token.
  std::string authority() const { return "http://" + server_.host(); }
  /// "http://127.0.0.1:PORT": the IMDS host (AZURE_POD_IDENTITY_AUTHORITY_HOST); GET /metadata/identity/oauth2/token.
  std::string imds() const { return "http://" + server_.host(); }
  /// "http://127.0.0.1:PORT/msi/token": App Service's IDENTITY_ENDPOINT.
  std::string identity_endpoint() const { return "http://" + server_.host() + "/msi/token"; }
  /// The secret App Service puts in IDENTITY_HEADER; requests must send it as X-IDENTITY-HEADER.
  const std::string& identity_header() const { return identity_header_; }
  /// The token endpoint a client assertion's aud claim must name.
  std::string token_url() const { return authority() + "/" + tenant_ + "/oauth2/v2.0/token"; }

  /// Accepts client_credentials with this client_secret (in the form, or as RFC 6749 Basic credentials).
  void accept_secret(std::string secret);
  /// Accepts client assertions (RS256 or PS256) signed by this certificate's key, named in the JWT header by x5t
  /// (base64url SHA-1 of the DER) or x5t#S256 (SHA-256).
  void accept_certificate(const std::string& cert_pem_path);
  /// Workload identity federation: accepts a client_assertion equal to this token (refused once the token's own exp,
  /// when it is a JWT, has passed).
  void accept_federated_token(std::string token);
  /// Lifetime of the access tokens issued from now on (default 3600 s).
  void lifetime(std::chrono::seconds s) { lifetime_ = s.count(); }

  /// Judges an access token: issued here, not expired, for ACR ("https://containerregistry.azure.net", with or
  /// without "/") or ARM ("https://management.azure.com/"). ACR's stand-in asks this.
  verdict judge(const std::string& access_token) const;
  /// Whether judge() finds the token valid.
  bool valid(const std::string& access_token) const { return judge(access_token) == verdict::valid; }

  /// Access tokens issued, in all or by one source.
  std::size_t tokens_issued() const;
  std::size_t tokens_issued(source s) const { return issued_by_[static_cast<std::size_t>(s)]; }
  /// Requests refused (anything the protocols do not allow), and why the last one was.
  std::size_t refused() const { return refused_; }
  std::string last_refusal() const;

 private:
  struct certificate;
  struct issued {
    std::chrono::system_clock::time_point expires;
    std::string audience;
  };
  using response = loopback_server::response;
  response handle(loopback_server::request& req);
  response token_endpoint(loopback_server::request& req, const std::string& tenant);
  response managed_identity(loopback_server::request& req, bool app_service);
  /// An Entra error: {"error", "error_description": "AADSTS<code>: <text>", "error_codes", ...}.
  response aad_error(unsigned status, const std::string& error, int code, const std::string& text);
  /// A managed-identity endpoint's error (IMDS: error/error_description; App Service: statusCode/message).
  response mi_error(bool app_service, unsigned status, const std::string& error, const std::string& text);
  /// Empty when the certificate assertion passes; else the AADSTS refusal.
  std::optional<response> check_certificate_assertion(const std::string& jwt);
  /// Mints, remembers and counts an access token for audience.
  std::string mint(const std::string& audience, source s, long long& expires_on);

  const std::string tenant_, client_id_, identity_header_;
  mutable std::mutex m_;
  std::vector<std::string> secrets_, federated_;
  std::vector<std::shared_ptr<const certificate>> certificates_;
  std::map<std::string, issued> tokens_;
  std::string last_refusal_;
  std::atomic<long long> lifetime_{3600};
  std::array<std::atomic<std::size_t>, sources> issued_by_{};
  std::atomic<std::size_t> refused_{0};
  loopback_server server_;  // last: its thread calls the members above
};

/// ACR in front of a real distribution registry (registry_fixture, mode token, keys = the same token_keys, issuer
/// and service as given here): POST /oauth2/exchange turns a valid Entra access token into an ACR refresh token (an
/// ES256 JWT with exp); POST /oauth2/token (and docker's GET /oauth2/token with Basic
/// 00000000-0000-0000-0000-000000000000:<refresh token>) turns a refresh token into a registry access token for the
/// asked scopes. Everything else is forwarded to the registry (an expired Bearer token is refused here first); a
/// 401's WWW-Authenticate gets this proxy's realm (http://HOST/oauth2/token) and service (HOST).
class acr_stand_in {
 public:
  /// The user name a refresh token is presented under (docker login, GET /oauth2/token).
  inline static const std::string null_guid = "00000000-0000-0000-0000-000000000000";

  /// aad (which must outlive this) judges the Entra tokens presented. issuer / upstream_service: the registry
  /// fixture's token_issuer / token_service (the access tokens' iss and aud; clients never see that service name,
  /// they see host()). upstream_host / upstream_port: the registry's ("127.0.0.1", fixture.port()).
  acr_stand_in(const azure_ad_stand_in& aad, const token_keys& keys, std::string issuer, std::string upstream_host,
               std::string upstream_port, std::string upstream_service = "ocimirror-test");

  /// "127.0.0.1:PORT": the registry name tests use (tls: disabled) and the service name the token endpoints want.
  std::string host() const { return server_.host(); }
  /// Lifetime of refresh tokens / registry access tokens issued from now on (defaults 3 h and 75 min, like ACR's).
  void refresh_lifetime(std::chrono::seconds s) { refresh_lifetime_ = s.count(); }
  /// Every refresh token issued so far stops working (revoked, as when the identity's access is withdrawn and
  /// given back); token requests with one are refused and counted in revoked_seen().
  void revoke_refresh_tokens();
  std::size_t revoked_seen() const { return revoked_seen_; }
  void access_lifetime(std::chrono::seconds s) { access_lifetime_ = s.count(); }
  /// Whether /oauth2/exchange wants the tenant field (default yes; ACR's docs list it, one of their samples omits it).
  void require_tenant(bool yes) { require_tenant_ = yes; }

  /// Refresh tokens handed out by /oauth2/exchange.
  std::size_t exchanges() const { return exchanges_; }
  /// Registry access tokens handed out by /oauth2/token (POST or GET).
  std::size_t token_requests() const { return token_requests_; }
  /// Requests refused at /oauth2/*, and why the last one was.
  std::size_t refused() const { return refused_; }
  std::string last_refusal() const;
  /// Requests that presented an expired Entra token, ACR refresh token or registry token (a Bearer token whose exp
  /// has passed: this proxy refuses it with a 401 challenge, error="invalid_token", where the registry would still
  /// take it within its minute of leeway): a client that refreshes late shows up here.
  std::size_t expired_seen() const { return expired_seen_; }

 private:
  using response = loopback_server::response;
  response handle(loopback_server::request& req);
  response exchange(loopback_server::request& req);
  response token(loopback_server::request& req);
  response forward(loopback_server::request& req);
  /// {"errors":[{"code","message"}]}, counted.
  response refuse(unsigned status, const std::string& code, const std::string& message);
  /// The registry access token for these "type:name:actions" scopes.
  std::string mint_access(const std::vector<std::string>& scopes);
  /// Empty when refresh_token is one issued here and not expired; else the refusal.
  std::optional<response> check_refresh(const std::string& refresh_token);

  const azure_ad_stand_in& aad_;
  const std::string key_pem_, kid_, issuer_, upstream_host_, upstream_port_, upstream_service_;
  mutable std::mutex m_;
  std::map<std::string, std::chrono::system_clock::time_point> refresh_tokens_;
  std::set<std::string> revoked_;
  std::string last_refusal_;
  std::atomic<long long> refresh_lifetime_{3 * 3600}, access_lifetime_{75 * 60};
  std::atomic<std::size_t> revoked_seen_{0};
  std::atomic<bool> require_tenant_{true};
  std::atomic<std::size_t> exchanges_{0}, token_requests_{0}, refused_{0}, expired_seen_{0}, minted_{0};
  loopback_server server_;  // last: its thread calls the members above
};

/// Helpers the two stand-ins' sources share (not for tests).
namespace azure_detail {
/// base64url without padding, decoded; nullopt when malformed.
std::optional<std::string> base64url_decode(std::string_view in);
/// The JSON payload (claims) of a JWT, or nullopt.
std::optional<std::string> jwt_payload(const std::string& jwt);
/// An x-www-form-urlencoded body or query, decoded ('+' is a space); nullopt when malformed.
std::optional<std::multimap<std::string, std::string>> parse_form(std::string_view body);
/// The single value of key, "" when absent.
std::string form_value(const std::multimap<std::string, std::string>& form, const std::string& key);
/// A compact ES256 JWS of claims (a JSON object) signed with key_pem, header kid.
std::string sign_es256_jwt(const std::string& key_pem, const std::string& kid, const std::string& claims_json);
/// Seconds since the epoch.
long long now_seconds();
/// n random bytes, hex.
std::string random_hex(std::size_t n);
}  // namespace azure_detail

}  // namespace ocimirror::testing
