// Entra ID's token endpoint, IMDS and App Service's identity endpoint, as published:
//   client credentials  https://learn.microsoft.com/entra/identity-platform/v2-oauth2-client-creds-grant-flow
//   certificate         https://learn.microsoft.com/entra/identity-platform/certificate-credentials
//   federated token     https://learn.microsoft.com/entra/workload-id/workload-identity-federation
//   errors              https://learn.microsoft.com/entra/identity-platform/reference-error-codes
//   IMDS https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/how-to-use-vm-token App Service
//   https://learn.microsoft.com/azure/app-service/overview-managed-identity (REST reference)
#include "tests/support/azure_stand_in.hpp"

#include "tests/support/token_server.hpp"
#include "transfer/oci/base64.hpp"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <boost/json.hpp>
#include <boost/url.hpp>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace ocimirror::testing {
namespace http = boost::beast::http;
namespace json = boost::json;
using namespace azure_detail;

namespace {
constexpr long long skew = 300;  // Entra's allowance for clocks, on nbf and iat
const std::string jwt_bearer = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

std::optional<json::object> json_object(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}
std::string str(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::optional<long long> num(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_number()) return std::nullopt;
  boost::system::error_code ec;
  auto n = v->to_number<long long>(ec);
  return ec ? std::nullopt : std::optional<long long>(n);
}
loopback_server::response json_response(unsigned status, const json::value& body) {
  loopback_server::response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.body() = json::serialize(body);
  res.prepare_payload();
  return res;
}
}  // namespace

struct azure_ad_stand_in::certificate {
  std::string x5t, x5t_s256;
  std::shared_ptr<EVP_PKEY> key;
};

azure_ad_stand_in::azure_ad_stand_in(std::string tenant, std::string client_id)
    : tenant_(std::move(tenant)),
      client_id_(std::move(client_id)),
      identity_header_(random_hex(16)),
      server_([this](loopback_server::request& req) { return handle(req); }) {}

void azure_ad_stand_in::accept_secret(std::string secret) {
  std::lock_guard l(m_);
  secrets_.push_back(std::move(secret));
}

void azure_ad_stand_in::accept_federated_token(std::string token) {
  std::lock_guard l(m_);
  federated_.push_back(std::move(token));
}

void azure_ad_stand_in::accept_certificate(const std::string& cert_pem_path) {
  FILE* f = std::fopen(cert_pem_path.c_str(), "r");
  X509* x = f ? PEM_read_X509(f, nullptr, nullptr, nullptr) : nullptr;
  if (f) std::fclose(f);
  if (!x) throw std::runtime_error("no certificate in " + cert_pem_path);
  auto c = std::make_shared<certificate>();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  X509_digest(x, EVP_sha1(), md, &n);
  c->x5t = base64url(std::string(reinterpret_cast<char*>(md), n));
  X509_digest(x, EVP_sha256(), md, &n);
  c->x5t_s256 = base64url(std::string(reinterpret_cast<char*>(md), n));
  c->key.reset(X509_get_pubkey(x), EVP_PKEY_free);
  X509_free(x);
  std::lock_guard l(m_);
  certificates_.push_back(std::move(c));
}

std::size_t azure_ad_stand_in::tokens_issued() const {
  std::size_t n = 0;
  for (auto& c : issued_by_) n += c;
  return n;
}

std::string azure_ad_stand_in::last_refusal() const {
  std::lock_guard l(m_);
  return last_refusal_;
}

azure_ad_stand_in::verdict azure_ad_stand_in::judge(const std::string& access_token) const {
  std::lock_guard l(m_);
  auto it = tokens_.find(access_token);
  if (it == tokens_.end()) return verdict::unknown;
  if (std::chrono::system_clock::now() >= it->second.expires) return verdict::expired;
  for (const char* aud : {"https://containerregistry.azure.net", "https://containerregistry.azure.net/",
                          "https://management.azure.com/", "https://management.azure.com"})
    if (it->second.audience == aud) return verdict::valid;
  return verdict::wrong_audience;
}

std::string azure_ad_stand_in::mint(const std::string& audience, source s, long long& expires_on) {
  const long long now = now_seconds();
  expires_on = now + lifetime_;
  json::object claims{{"aud", audience},   {"iss", "https://sts.windows.net/" + tenant_ + "/"},
                      {"iat", now},        {"nbf", now},
                      {"exp", expires_on}, {"appid", client_id_},
                      {"idtyp", "app"},    {"oid", random_hex(16)},
                      {"sub", client_id_}, {"tid", tenant_},
                      {"ver", "1.0"}};
  const std::string token =
      base64url(json::serialize(json::object{{"typ", "JWT"}, {"alg", "RS256"}, {"kid", "stand-in"}})) + "." +
      base64url(json::serialize(claims)) + "." + base64url(random_hex(64));
  {
    std::lock_guard l(m_);
    tokens_[token] = {std::chrono::system_clock::time_point(std::chrono::seconds(expires_on)), audience};
  }
  ++issued_by_[static_cast<std::size_t>(s)];
  return token;
}

azure_ad_stand_in::response azure_ad_stand_in::aad_error(unsigned status, const std::string& error, int code,
                                                         const std::string& text) {
  const std::string trace = random_hex(16), description = "AADSTS" + std::to_string(code) + ": " + text;
  {
    std::lock_guard l(m_);
    last_refusal_ = description;
  }
  ++refused_;
  return json_response(status, json::object{{"error", error},
                                            {"error_description", description + "\r\nTrace ID: " + trace},
                                            {"error_codes", json::array{code}},
                                            {"timestamp", std::to_string(now_seconds())},
                                            {"trace_id", trace},
                                            {"correlation_id", random_hex(16)}});
}

azure_ad_stand_in::response azure_ad_stand_in::mi_error(bool app_service, unsigned status, const std::string& error,
                                                        const std::string& text) {
  {
    std::lock_guard l(m_);
    last_refusal_ = (app_service ? "App Service: " : "IMDS: ") + text;
  }
  ++refused_;
  if (app_service)
    return json_response(status,
                         json::object{{"statusCode", status}, {"message", text}, {"correlationId", random_hex(16)}});
  return json_response(status, json::object{{"error", error}, {"error_description", text}});
}

azure_ad_stand_in::response azure_ad_stand_in::handle(loopback_server::request& req) {
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (path == "/metadata/identity/oauth2/token") return managed_identity(req, false);
  if (path == "/msi/token") return managed_identity(req, true);
  const std::string suffix = "/oauth2/v2.0/token";
  if (path.size() > suffix.size() + 1 && path.ends_with(suffix))
    return token_endpoint(req, path.substr(1, path.size() - suffix.size() - 1));
  return aad_error(404, "invalid_request", 900561,
                   "No such endpoint: " + std::string(req.method_string()) + " " + path);
}

// POST /{tenant}/oauth2/v2.0/token, grant_type=client_credentials.
azure_ad_stand_in::response azure_ad_stand_in::token_endpoint(loopback_server::request& req,
                                                              const std::string& tenant) {
  if (req.method() != http::verb::post)
    return aad_error(400, "invalid_request", 900561, "The endpoint only accepts POST requests.");
  if (!std::string(req[http::field::content_type]).starts_with("application/x-www-form-urlencoded"))
    return aad_error(400, "invalid_request", 900144,
                     "The request body must contain the following parameter: 'grant_type'.");
  auto form = parse_form(req.body());
  if (!form) return aad_error(400, "invalid_request", 9002313, "Invalid request. Request is malformed or invalid.");
  for (auto it = form->begin(); it != form->end(); it = form->upper_bound(it->first))
    if (form->count(it->first) > 1)
      return aad_error(400, "invalid_request", 9000411, "The parameter '" + it->first + "' is duplicated.");
  if (tenant != tenant_) return aad_error(400, "invalid_request", 90002, "Tenant '" + tenant + "' not found.");
  for (const char* required : {"grant_type", "client_id", "scope"})
    if (form_value(*form, required).empty())
      return aad_error(400, "invalid_request", 900144,
                       std::string("The request body must contain the following parameter: '") + required + "'.");
  if (form_value(*form, "grant_type") != "client_credentials")
    return aad_error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
  std::string secret = form_value(*form, "client_secret");
  if (const std::string basic(req[http::field::authorization]); basic.starts_with("Basic ")) {
    // RFC 6749 2.3.1: client_id:client_secret, each form-encoded, instead of client_secret in the body.
    const auto pair = transfer::base64_decode(basic.substr(6)).value_or("");
    const auto colon = pair.find(':');
    auto id = parse_form("v=" + pair.substr(0, colon)), pw = parse_form("v=" + pair.substr(colon + 1));
    if (!secret.empty() || colon == std::string::npos || !id || !pw)
      return aad_error(400, "invalid_request", 9002313,
                       "Invalid request: malformed Basic credentials, or two client authentication methods.");
    if (form_value(*id, "v") != form_value(*form, "client_id"))
      return aad_error(401, "invalid_client", 700021, "The Basic credentials' client id is not the client_id.");
    secret = form_value(*pw, "v");
  }
  if (form_value(*form, "client_id") != client_id_)
    return aad_error(400, "unauthorized_client", 700016,
                     "Application with identifier '" + form_value(*form, "client_id") +
                         "' was not found in the directory '" + tenant_ + "'.");
  const std::string scope = form_value(*form, "scope");
  if (scope.find(' ') != std::string::npos)
    return aad_error(400, "invalid_scope", 70011,
                     "The provided value for the input parameter 'scope' is not valid: " + scope +
                         " (one resource's /.default only).");
  if (!scope.ends_with("/.default") || scope.size() == 9)
    return aad_error(400, "invalid_scope", 1002012,
                     "The provided value for scope " + scope +
                         " is not valid. Client credential flows must have a scope value with /.default suffixed to "
                         "the resource identifier (application ID URI).");
  const std::string assertion = form_value(*form, "client_assertion");
  const std::string assertion_type = form_value(*form, "client_assertion_type");
  if (!secret.empty() && (!assertion.empty() || !assertion_type.empty()))
    return aad_error(400, "invalid_request", 9002313, "Invalid request: more than one client authentication method.");
  source how = source::secret;
  bool known_secret = false;
  if (!secret.empty()) {
    std::lock_guard l(m_);
    known_secret = std::find(secrets_.begin(), secrets_.end(), secret) != secrets_.end();
  } else if (assertion.empty()) {
    return aad_error(401, "invalid_client", 7000218,
                     "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.");
  } else if (assertion_type != jwt_bearer) {
    return aad_error(400, "invalid_request", 9002313, "client_assertion_type must be " + jwt_bearer + ".");
  } else {
    bool federated = false;
    {
      std::lock_guard l(m_);
      federated = std::find(federated_.begin(), federated_.end(), assertion) != federated_.end();
    }
    auto claims = json_object(jwt_payload(assertion));
    auto exp = claims ? num(*claims, "exp") : std::nullopt;
    if (federated && exp && *exp <= now_seconds())
      return aad_error(400, "invalid_client", 700024,
                       "Client assertion is not within its valid time range (the federated token has expired).");
    if (!federated) {
      if (auto refusal = check_certificate_assertion(assertion)) return std::move(*refusal);
    }
    how = federated ? source::federated : source::certificate;
  }
  if (how == source::secret && !known_secret)
    return aad_error(401, "invalid_client", 7000215, "Invalid client secret provided.");
  long long expires_on = 0;
  const std::string token = mint(scope.substr(0, scope.size() - 9), how, expires_on);
  const long long in = expires_on - now_seconds();
  return json_response(
      200, json::object{{"token_type", "Bearer"}, {"expires_in", in}, {"ext_expires_in", in}, {"access_token", token}});
}

// A certificate credential: a JWT (header alg, typ, x5t / x5t#S256; claims aud, iss, sub, jti, exp, nbf, iat)
// signed with the certificate's key.
std::optional<azure_ad_stand_in::response> azure_ad_stand_in::check_certificate_assertion(const std::string& jwt) {
  const auto a = jwt.find('.'), b = jwt.rfind('.');
  auto header = json_object(base64url_decode(std::string_view(jwt).substr(0, a)));
  auto claims = json_object(jwt_payload(jwt));
  auto signature = b == std::string::npos ? std::nullopt : base64url_decode(std::string_view(jwt).substr(b + 1));
  if (!header || !claims || !signature)
    return aad_error(400, "invalid_request", 50027, "JWT token is invalid or malformed.");
  const std::string alg = str(*header, "alg"), x5t = str(*header, "x5t"), x5t256 = str(*header, "x5t#S256");
  if (alg != "RS256" && alg != "PS256")
    return aad_error(401, "invalid_client", 5002738,
                     "Invalid JWT token. '" + alg + "' is not a supported signature algorithm (RS256, PS256).");
  if (header->contains("typ") && str(*header, "typ") != "JWT")
    return aad_error(400, "invalid_request", 50027, "JWT token is invalid or malformed: typ is not JWT.");
  std::shared_ptr<const certificate> cert;
  {
    std::lock_guard l(m_);
    for (auto& c : certificates_)
      if ((!x5t.empty() || !x5t256.empty()) && (x5t.empty() || x5t == c->x5t) &&
          (x5t256.empty() || x5t256 == c->x5t_s256))
        cert = c;
  }
  if (!cert)
    return aad_error(401, "invalid_client", 700027,
                     "The certificate with identifier used to sign the client assertion (x5t '" + x5t +
                         "', x5t#S256 '" + x5t256 + "') is not registered on application.");
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_PKEY_CTX* pctx = nullptr;
  bool ok = EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), nullptr, cert->key.get()) == 1;
  if (ok && alg == "PS256")
    ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) == 1 &&
         EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) == 1;
  ok = ok && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                              reinterpret_cast<const unsigned char*>(jwt.data()), b) == 1;
  EVP_MD_CTX_free(ctx);
  if (!ok) return aad_error(401, "invalid_client", 700027, "Client assertion failed signature validation.");
  auto* aud = claims->if_contains("aud");
  bool aud_ok = aud && aud->is_string() && aud->as_string() == token_url();
  if (aud && aud->is_array())
    for (auto& v : aud->as_array()) aud_ok = aud_ok || (v.is_string() && v.as_string() == token_url());
  if (!aud_ok)
    return aad_error(401, "invalid_client", 700023,
                     "Client assertion audience claim does not match Realm issuer (" + token_url() + ").");
  if (str(*claims, "iss") != client_id_ || str(*claims, "sub") != client_id_)
    return aad_error(
        401, "invalid_client", 700021,
        "Client assertion application identifier doesn't match 'client_id' parameter (iss and sub must both be it).");
  if (str(*claims, "jti").empty())
    return aad_error(400, "invalid_request", 50027, "JWT token is invalid or malformed: no jti.");
  const long long now = now_seconds();
  const auto exp = num(*claims, "exp"), nbf = num(*claims, "nbf"), iat = num(*claims, "iat");
  if (!exp || *exp <= now || *exp > now + 3600 + skew || (nbf && *nbf > now + skew) || (iat && *iat > now + skew) ||
      (claims->contains("nbf") && !nbf) || (claims->contains("iat") && !iat))
    return aad_error(401, "invalid_client", 700024, "Client assertion is not within its valid time range.");
  return std::nullopt;
}

// IMDS: GET /metadata/identity/oauth2/token?api-version&resource[&client_id] with Metadata: true.
// App Service: GET /msi/token?api-version=2019-08-01&resource[&client_id] with X-IDENTITY-HEADER.
azure_ad_stand_in::response azure_ad_stand_in::managed_identity(loopback_server::request& req, bool app_service) {
  const std::string target(req.target());
  const auto q = target.find('?');
  auto query = parse_form(q == std::string::npos ? std::string_view() : std::string_view(target).substr(q + 1));
  if (req.method() != http::verb::get) return mi_error(app_service, 405, "invalid_request", "Only GET is allowed.");
  if (!query) return mi_error(app_service, 400, "invalid_request", "Malformed query string.");
  if (app_service) {
    if (req["X-IDENTITY-HEADER"] != identity_header_)
      return mi_error(true, 401, "", "The X-IDENTITY-HEADER header is missing or does not match IDENTITY_HEADER.");
  } else {
    if (req["Metadata"] != "true")
      return mi_error(false, 400, "invalid_request", "Required metadata header not specified");
    if (req.find("X-Forwarded-For") != req.end())
      return mi_error(false, 400, "invalid_request", "Requests with an X-Forwarded-For header are refused.");
  }
  for (auto it = query->begin(); it != query->end(); it = query->upper_bound(it->first))
    if (query->count(it->first) > 1)
      return mi_error(app_service, 400, "invalid_request", "Parameter " + it->first + " given more than once.");
  const std::string version = form_value(*query, "api-version"), resource = form_value(*query, "resource");
  const std::string oldest = app_service ? "2019-08-01" : "2018-02-01";
  if (version.size() != 10 || version[4] != '-' || version[7] != '-' || version < oldest)
    return mi_error(app_service, 400, "invalid_request",
                    "api-version '" + version + "' is missing or unsupported (" + oldest + " or later).");
  if (resource.empty())
    return mi_error(app_service, 400, "invalid_request", "Required query variable 'resource' is missing.");
  if (resource.ends_with("/.default"))
    return mi_error(app_service, 400, "invalid_resource",
                    "AADSTS500011: The resource principal named " + resource +
                        " was not found (resource is a resource URI, not a /.default scope).");
  for (const char* other : {"object_id", "principal_id", "msi_res_id", "mi_res_id"})
    if (query->count(other)) return mi_error(app_service, 400, "invalid_request", "Identity not found");
  const std::string id = form_value(*query, "client_id");
  if (query->count("client_id") && id != client_id_)
    return mi_error(app_service, 400, "invalid_request", "Identity not found");
  long long expires_on = 0;
  const std::string token = mint(resource, app_service ? source::app_service : source::imds, expires_on);
  const long long now = now_seconds();
  if (app_service)
    return json_response(200, json::object{{"access_token", token},
                                           {"expires_on", std::to_string(expires_on)},
                                           {"resource", resource},
                                           {"token_type", "Bearer"},
                                           {"client_id", client_id_}});
  return json_response(200, json::object{{"access_token", token},
                                         {"client_id", client_id_},
                                         {"expires_in", std::to_string(expires_on - now)},
                                         {"expires_on", std::to_string(expires_on)},
                                         {"ext_expires_in", std::to_string(expires_on - now)},
                                         {"not_before", std::to_string(now)},
                                         {"resource", resource},
                                         {"token_type", "Bearer"}});
}

}  // namespace ocimirror::testing
