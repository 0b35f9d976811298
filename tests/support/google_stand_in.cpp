#include "tests/support/google_stand_in.hpp"

#include "tests/support/request_target.hpp"
#include "transfer/oci/base64.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <fstream>
#include <stdexcept>

namespace ocimirror::testing {
namespace http = boost::beast::http;
namespace json = boost::json;

struct google_stand_in::reply {
  unsigned status = 200;
  std::string body, type = "application/json";
};

namespace {
constexpr std::string_view cloud_platform = "https://www.googleapis.com/auth/cloud-platform";
constexpr std::string_view iam_scope = "https://www.googleapis.com/auth/iam";  // google-auth-python iam._IAM_SCOPE
constexpr std::string_view iam_prefix = "/v1/projects/-/serviceAccounts/", iam_suffix = ":generateAccessToken";
using form_t = std::map<std::string, std::string>;

struct refusal {
  unsigned status;
  std::string body, reason, type = "application/json";
};
// RFC 6749 §5.2 error response, as oauth2.googleapis.com and sts.googleapis.com answer.
[[noreturn]] void oauth_error(unsigned status, const char* error, const std::string& why) {
  throw refusal{status, json::serialize(json::object{{"error", error}, {"error_description", why}}), why};
}
// google.rpc.Status, as iamcredentials.googleapis.com answers.
[[noreturn]] void rpc_error(unsigned code, const char* status, const std::string& why) {
  throw refusal{code, json::serialize(json::object{{"error", {{"code", code}, {"message", why}, {"status", status}}}}),
                why};
}

long long now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}
std::string random_hex(std::size_t bytes) {
  std::string raw(bytes, '\0'), out;
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(bytes));
  for (unsigned char c : raw) out += "0123456789abcdef"[c >> 4], out += "0123456789abcdef"[c & 15];
  return out;
}
// x-www-form-urlencoded value (WHATWG URL §5.1): '+' is a space, %XX a byte.
std::string form_decode(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+')
      out += ' ';
    else if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
             std::isxdigit(static_cast<unsigned char>(s[i + 2])))
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16)), i += 2;
    else
      out += s[i];
  }
  return out;
}
bool media_type_is(const loopback_server::request& req, std::string_view want) {
  std::string v(req[http::field::content_type]);
  v = v.substr(0, v.find(';'));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == want;
}
// RFC 6749 §3.2 / RFC 8693 §2.1: a POSTed form, each parameter at most once.
form_t read_form(const loopback_server::request& req) {
  if (req.method() != http::verb::post) oauth_error(405, "invalid_request", "token requests are POSTs");
  if (!media_type_is(req, "application/x-www-form-urlencoded"))
    oauth_error(400, "invalid_request", "Content-Type is not application/x-www-form-urlencoded");
  form_t f;
  std::string_view b = req.body();
  for (std::size_t at = 0; at < b.size();) {
    auto end = std::min(b.find('&', at), b.size());
    auto pair = b.substr(at, end - at);
    auto eq = pair.find('=');
    std::string key = form_decode(pair.substr(0, eq));
    if (!key.empty() && !f.emplace(key, form_decode(eq == pair.npos ? "" : pair.substr(eq + 1))).second)
      oauth_error(400, "invalid_request", "parameter " + key + " given more than once");
    at = end + 1;
  }
  return f;
}
std::string need(const form_t& f, const std::string& key) {
  auto it = f.find(key);
  if (it == f.end() || it->second.empty()) oauth_error(400, "invalid_request", "missing parameter " + key);
  return it->second;
}
bool has_scope(std::string_view list, char sep, std::string_view scope) {
  for (std::size_t at = 0; at <= list.size();) {
    auto end = std::min(list.find(sep, at), list.size());
    if (list.substr(at, end - at) == scope) return true;
    at = end + 1;
  }
  return false;
}
// JWS compact serialization uses unpadded base64url (RFC 7515 §2).
std::optional<std::string> b64url_decode(std::string_view s) {
  if (s.find_first_of("+/= \n") != s.npos) return std::nullopt;
  std::string t(s);
  for (auto& c : t) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (t.size() % 4) t += '=';
  return transfer::base64_decode(t);
}
json::object json_object(std::string_view text) {
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) oauth_error(400, "invalid_grant", "not a JSON object");
  return v.as_object();
}
std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}
std::string bio_string(BIO* bio) {
  std::string s(BIO_ctrl_pending(bio), '\0');
  BIO_read(bio, s.data(), static_cast<int>(s.size()));
  return s;
}
bool rs256_verifies(const std::string& public_pem, std::string_view input, const std::string& sig) {
  BIO* bio = BIO_new_mem_buf(public_pem.data(), static_cast<int>(public_pem.size()));
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool ok = key && EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key) == 1 &&
            EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                             reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
  EVP_MD_CTX_free(ctx);
  EVP_PKEY_free(key);
  return ok;
}
void write_json(const std::string& path, const json::object& o) {
  std::ofstream out(path, std::ios::trunc);
  out << json::serialize(o);
  if (!out.flush()) throw std::runtime_error("cannot write " + path);
}
}  // namespace

google_stand_in::google_stand_in(std::string access_token)
    : access_token_(std::move(access_token)), server_([this](loopback_server::request& req) { return route(req); }) {}

std::string google_stand_in::last_refusal() const {
  std::lock_guard lock(m_);
  return last_refusal_;
}

void google_stand_in::write_service_account_key(const std::string& path, const std::string& client_email) {
  EVP_PKEY* key = nullptr;
  EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr);
  if (!ctx || EVP_PKEY_keygen_init(ctx) != 1 || EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, 2048) != 1 ||
      EVP_PKEY_generate(ctx, &key) != 1)
    throw std::runtime_error("RSA key generation failed");
  EVP_PKEY_CTX_free(ctx);
  BIO* priv = BIO_new(BIO_s_mem());
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);  // PKCS#8, as Google issues
  PEM_write_bio_PUBKEY(pub, key);
  account a{random_hex(20), bio_string(pub)};
  std::string private_pem = bio_string(priv);
  BIO_free(priv), BIO_free(pub), EVP_PKEY_free(key);
  std::string at_encoded = client_email.substr(0, client_email.find('@')) + "%40" +
                           client_email.substr(std::min(client_email.find('@') + 1, client_email.size()));
  write_json(path, {{"type", "service_account"},
                    {"project_id", project_id},
                    {"private_key_id", a.key_id},
                    {"private_key", private_pem},
                    {"client_email", client_email},
                    {"client_id", "1" + std::to_string(now_s())},
                    {"auth_uri", "https://accounts.google.com/o/oauth2/auth"},
                    {"token_uri", token_uri()},
                    {"auth_provider_x509_cert_url", "https://www.googleapis.com/oauth2/v1/certs"},
                    {"client_x509_cert_url", "https://www.googleapis.com/robot/v1/metadata/x509/" + at_encoded},
                    {"universe_domain", "googleapis.com"}});
  std::lock_guard lock(m_);
  accounts_[client_email] = std::move(a);
}

void google_stand_in::write_authorized_user(const std::string& path) {
  client c{random_hex(8) + ".apps.googleusercontent.com", "d-" + random_hex(12)};
  std::string refresh_token = "1//" + random_hex(24);
  write_json(path, {{"account", ""},
                    {"client_id", c.id},
                    {"client_secret", c.secret},
                    {"quota_project_id", project_id},
                    {"refresh_token", refresh_token},
                    {"type", "authorized_user"},
                    {"universe_domain", "googleapis.com"}});
  std::lock_guard lock(m_);
  refresh_tokens_[refresh_token] = std::move(c);
}

void google_stand_in::write_external_account(const std::string& path, const std::string& subject_token, bool from_url,
                                             const std::string& subject_file, bool impersonate) {
  json::object source;
  if (from_url) {
    source = {{"url", url() + "/subject"},
              {"headers", {{"Metadata-Flavor", "Test"}}},
              {"format", {{"type", "json"}, {"subject_token_field_name", "id_token"}}}};
  } else {
    std::ofstream(subject_file, std::ios::trunc) << subject_token;
    source = {{"file", subject_file}};
  }
  json::object o{{"type", "external_account"},
                 {"audience", audience},
                 {"subject_token_type", "urn:ietf:params:oauth:token-type:jwt"},
                 {"token_url", sts_url()},
                 {"credential_source", source},
                 {"universe_domain", "googleapis.com"}};
  if (impersonate)
    o["service_account_impersonation_url"] =
        url() + std::string(iam_prefix) + impersonated_account + std::string(iam_suffix);
  write_json(path, o);
  std::lock_guard lock(m_);
  subject_tokens_[subject_token] = impersonate;
  if (from_url) url_subject_token_ = subject_token;
}

loopback_server::response google_stand_in::route(loopback_server::request& req) {
  const auto t = parse_target(std::string_view(req.target().data(), req.target().size()));
  const bool meta = t.path == "/" || t.path.starts_with("/computeMetadata/");
  reply r;
  try {
    if (meta)
      ++metadata_requests_, r = metadata(req);
    else if (t.path == "/token")
      r = oauth_token(req);
    else if (t.path == "/v1/token")
      r = sts(req);
    else if (t.path == "/subject")
      r = subject(req);
    else if (t.path.starts_with(iam_prefix) && t.path.ends_with(iam_suffix))
      r = generate_access_token(req, form_decode(std::string_view(t.path).substr(
                                         iam_prefix.size(), t.path.size() - iam_prefix.size() - iam_suffix.size())));
    else
      throw refusal{404, "Not Found", "no such endpoint: " + t.path, "text/plain"};
  } catch (const refusal& f) {
    ++refused_;
    std::lock_guard lock(m_);
    last_refusal_ = f.reason;
    r = {f.status, f.body, f.type};
  }
  loopback_server::response res{static_cast<http::status>(r.status), req.version()};
  res.set(http::field::content_type, r.type);
  if (meta) res.set("Metadata-Flavor", "Google");
  res.body() = std::move(r.body);
  res.prepare_payload();
  return res;
}

google_stand_in::reply google_stand_in::token_answer(const std::string& token) {
  ++grants_;
  return {200, json::serialize(
                   json::object{{"access_token", token}, {"expires_in", lifetime_.load()}, {"token_type", "Bearer"}})};
}

google_stand_in::reply google_stand_in::oauth_token(const loopback_server::request& req) {
  const form_t f = read_form(req);
  const std::string grant = need(f, "grant_type");
  if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer") return jwt_bearer(f);
  if (grant == "refresh_token") return refresh(req, f);
  oauth_error(400, "unsupported_grant_type", "grant_type " + grant + " is not supported here");
}

// RFC 7523 §2.1, §3 and developers.google.com/identity/protocols/oauth2/service-account (the claim set).
google_stand_in::reply google_stand_in::jwt_bearer(const form_t& f) {
  const std::string assertion = need(f, "assertion");
  const auto dot1 = assertion.find('.'), dot2 = assertion.find('.', dot1 + 1);
  if (dot1 == assertion.npos || dot2 == assertion.npos || assertion.find('.', dot2 + 1) != assertion.npos)
    oauth_error(400, "invalid_grant", "assertion is not a JWS compact serialization");
  auto header_text = b64url_decode(std::string_view(assertion).substr(0, dot1));
  auto claims_text = b64url_decode(std::string_view(assertion).substr(dot1 + 1, dot2 - dot1 - 1));
  auto sig = b64url_decode(std::string_view(assertion).substr(dot2 + 1));
  if (!header_text || !claims_text || !sig) oauth_error(400, "invalid_grant", "assertion is not base64url");
  const json::object header = json_object(*header_text), claims = json_object(*claims_text);
  if (str(header, "alg") != "RS256") oauth_error(400, "invalid_grant", "assertion alg is not RS256");
  if (header.contains("typ") && str(header, "typ") != "JWT") oauth_error(400, "invalid_grant", "typ is not JWT");
  const std::string iss = str(claims, "iss");
  account a;
  {
    std::lock_guard lock(m_);
    auto it = accounts_.find(iss);
    if (it == accounts_.end()) oauth_error(400, "invalid_grant", "Invalid JWT: unknown iss " + iss);
    a = it->second;
  }
  if (header.contains("kid") && str(header, "kid") != a.key_id)
    oauth_error(400, "invalid_grant", "Invalid JWT Signature: kid is not the key's private_key_id");
  if (!rs256_verifies(a.public_pem, std::string_view(assertion).substr(0, dot2), *sig))
    oauth_error(400, "invalid_grant", "Invalid JWT Signature.");
  if (str(claims, "aud") != token_uri()) oauth_error(400, "invalid_grant", "Invalid JWT: aud is not " + token_uri());
  if (claims.contains("sub") && str(claims, "sub") != iss)
    oauth_error(401, "unauthorized_client", "sub set: no domain-wide delegation here");
  if (!has_scope(str(claims, "scope"), ' ', cloud_platform))
    oauth_error(400, "invalid_scope", "scope claim lacks " + std::string(cloud_platform));
  const json::value *iat = claims.if_contains("iat"), *exp = claims.if_contains("exp");
  if (!iat || !exp || !iat->is_int64() || !exp->is_int64())
    oauth_error(400, "invalid_grant", "Invalid JWT: iat and exp must be integers");
  const long long now = now_s(), i = iat->as_int64(), e = exp->as_int64();
  if (i > now + 60) oauth_error(400, "invalid_grant", "Invalid JWT: iat is in the future");
  if (e <= now) oauth_error(400, "invalid_grant", "Invalid JWT: Token must be a short-lived token and expired");
  if (e <= i || e - i > 3600) oauth_error(400, "invalid_grant", "Invalid JWT: exp must be within 3600 s of iat");
  return token_answer(access_token_);
}

// RFC 6749 §6 and §2.3.1 (client_id/client_secret in the body, or HTTP Basic, not both).
google_stand_in::reply google_stand_in::refresh(const loopback_server::request& req, const form_t& f) {
  std::string id = f.contains("client_id") ? f.at("client_id") : "";
  std::string secret = f.contains("client_secret") ? f.at("client_secret") : "";
  std::string auth(req[http::field::authorization]);
  if (auth.starts_with("Basic ")) {
    if (!id.empty() || !secret.empty()) oauth_error(400, "invalid_request", "client authenticated twice");
    auto pair = transfer::base64_decode(auth.substr(6)).value_or("");
    id = form_decode(pair.substr(0, pair.find(':')));
    secret = form_decode(pair.substr(std::min(pair.find(':') + 1, pair.size())));
  }
  const std::string token = need(f, "refresh_token");
  client c;
  {
    std::lock_guard lock(m_);
    auto it = refresh_tokens_.find(token);
    if (it == refresh_tokens_.end()) oauth_error(400, "invalid_grant", "Bad Request: unknown refresh_token");
    c = it->second;
  }
  if (id != c.id || secret != c.secret) oauth_error(401, "invalid_client", "Unauthorized: wrong client");
  // What `gcloud auth application-default login` was granted; a refresh may narrow it, never widen it.
  const std::string_view s = f.contains("scope") ? std::string_view(f.at("scope")) : "";
  for (std::size_t at = 0; at < s.size();) {
    auto end = std::min(s.find(' ', at), s.size());
    auto one = s.substr(at, end - at);
    if (one != cloud_platform && one != "openid" && one != "https://www.googleapis.com/auth/userinfo.email" &&
        one != "https://www.googleapis.com/auth/sqlservice.login")
      oauth_error(400, "invalid_scope", "scope " + std::string(one) + " was not granted");
    at = end + 1;
  }
  return token_answer(access_token_);
}

// RFC 8693 §2.1-2.2 and cloud.google.com/iam/docs/reference/sts/rest/v1/TopLevel/token.
google_stand_in::reply google_stand_in::sts(const loopback_server::request& req) {
  const form_t f = read_form(req);
  if (need(f, "grant_type") != "urn:ietf:params:oauth:grant-type:token-exchange")
    oauth_error(400, "unsupported_grant_type", "grant_type is not token-exchange");
  if (need(f, "requested_token_type") != "urn:ietf:params:oauth:token-type:access_token")
    oauth_error(400, "invalid_request", "requested_token_type is not access_token");
  if (need(f, "audience") != audience) oauth_error(400, "invalid_target", "audience is not the pool provider");
  if (need(f, "subject_token_type") != "urn:ietf:params:oauth:token-type:jwt")
    oauth_error(400, "invalid_request", "subject_token_type is not the configured jwt");
  const std::string subject_token = need(f, "subject_token");
  bool impersonate = false;
  {
    std::lock_guard lock(m_);
    auto it = subject_tokens_.find(subject_token);
    if (it == subject_tokens_.end()) oauth_error(400, "invalid_grant", "subject_token is not accepted");
    impersonate = it->second;
  }
  // Impersonating clients ask STS for cloud-platform (Go) or iam (google-auth-python's source credentials).
  const std::string scope = need(f, "scope");
  if (!has_scope(scope, ' ', cloud_platform) && !(impersonate && has_scope(scope, ' ', iam_scope)))
    oauth_error(400, "invalid_scope", "scope lacks " + std::string(cloud_platform));
  std::string token = access_token_;
  if (impersonate) {
    token = "ya29.d.federated-" + std::to_string(++federated_count_) + "-" + random_hex(8);
    std::lock_guard lock(m_);
    federated_.insert(token);
  }
  ++grants_;
  return {200, json::serialize(json::object{{"access_token", token},
                                            {"issued_token_type", "urn:ietf:params:oauth:token-type:access_token"},
                                            {"token_type", "Bearer"},
                                            {"expires_in", lifetime_.load()}})};
}

// cloud.google.com/iam/docs/reference/credentials/rest/v1/projects.serviceAccounts/generateAccessToken.
google_stand_in::reply google_stand_in::generate_access_token(const loopback_server::request& req,
                                                              const std::string& email) {
  if (req.method() != http::verb::post) rpc_error(405, "INVALID_ARGUMENT", "generateAccessToken is a POST");
  std::string auth(req[http::field::authorization]);
  bool known = false;
  {
    std::lock_guard lock(m_);
    known = auth.starts_with("Bearer ") && federated_.contains(auth.substr(7));
  }
  if (!known) rpc_error(401, "UNAUTHENTICATED", "Authorization is not Bearer <a federated token from STS>");
  if (email != impersonated_account) rpc_error(403, "PERMISSION_DENIED", "cannot impersonate " + email);
  if (!media_type_is(req, "application/json")) rpc_error(400, "INVALID_ARGUMENT", "Content-Type is not JSON");
  boost::system::error_code ec;
  const auto body = json::parse(req.body(), ec);
  if (ec || !body.is_object()) rpc_error(400, "INVALID_ARGUMENT", "body is not a JSON object");
  long long seconds = 3600;
  for (const auto& [key, v] : body.as_object()) {
    if (key == "scope") {
      bool found = false;
      if (!v.is_array() || v.as_array().empty()) rpc_error(400, "INVALID_ARGUMENT", "scope must be a list");
      for (const auto& s : v.as_array()) found = found || (s.is_string() && s.as_string() == cloud_platform);
      if (!found) rpc_error(400, "INVALID_ARGUMENT", "scope lacks " + std::string(cloud_platform));
    } else if (key == "lifetime") {  // google.protobuf.Duration: "<seconds>s", at most 3600 s by default
      std::string l = v.is_string() ? std::string(v.as_string()) : "";
      if (l.size() < 2 || l.back() != 's' || l.find_first_not_of("0123456789") != l.size() - 1 ||
          (seconds = std::stoll(l)) < 1 || seconds > 3600)
        rpc_error(400, "INVALID_ARGUMENT", "lifetime must be \"Ns\" with 1 <= N <= 3600");
    } else if (key == "delegates") {
      if (!v.is_null() && !(v.is_array() && v.as_array().empty()))
        rpc_error(400, "INVALID_ARGUMENT", "no delegation chain is set up");
    } else {
      rpc_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"" + std::string(key) + "\"");
    }
  }
  if (!body.as_object().contains("scope")) rpc_error(400, "INVALID_ARGUMENT", "scope is required");
  const std::time_t expire = now_s() + std::min<long long>(seconds, lifetime_.load());
  std::tm tm{};
  gmtime_r(&expire, &tm);
  char rfc3339[32];
  std::strftime(rfc3339, sizeof rfc3339, "%Y-%m-%dT%H:%M:%SZ", &tm);
  ++grants_;
  return {200, json::serialize(json::object{{"accessToken", access_token_}, {"expireTime", rfc3339}})};
}

google_stand_in::reply google_stand_in::subject(const loopback_server::request& req) {
  if (req.method() != http::verb::get || req["Metadata-Flavor"] != "Test")
    throw refusal{403, "Forbidden", "/subject wants GET with Metadata-Flavor: Test", "text/plain"};
  std::lock_guard lock(m_);
  if (url_subject_token_.empty()) throw refusal{404, "Not Found", "no external_account reads /subject", "text/plain"};
  return {200, json::serialize(json::object{{"id_token", url_subject_token_}})};
}

// cloud.google.com/compute/docs/metadata/querying-metadata; default/token as in
// cloud.google.com/compute/docs/access/authenticate-workloads#applications.
google_stand_in::reply google_stand_in::metadata(const loopback_server::request& req) {
  const auto t = parse_target(std::string_view(req.target().data(), req.target().size()));
  auto text = [](std::string body) { return reply{200, std::move(body), "application/text"}; };
  if (req.method() != http::verb::get) throw refusal{405, "Method Not Allowed", "metadata wants GET", "text/plain"};
  if (t.path == "/") return text("computeMetadata/\n");  // the GCE probe; Go's OnGCE sends no Metadata-Flavor
  if (req["Metadata-Flavor"] != "Google")
    throw refusal{403, "Missing Metadata-Flavor:Google header.", "no Metadata-Flavor: Google", "text/html"};
  if (req.find("X-Forwarded-For") != req.end())
    throw refusal{403, "Forbidden", "metadata request carries X-Forwarded-For", "text/html"};
  if (!t.path.starts_with("/computeMetadata/v1/"))
    throw refusal{404, "Not Found", "no such metadata version", "text/html"};
  // Directories are answered with or without their trailing slash (the real server redirects to the slash).
  std::string p = t.path.substr(std::string_view("/computeMetadata/v1").size());
  if (p.ends_with('/')) p.pop_back();
  for (const std::string_view alias : {std::string_view("default"), std::string_view(metadata_account)})
    if (p == "/instance/service-accounts/" + std::string(alias) ||
        p.starts_with("/instance/service-accounts/" + std::string(alias) + "/"))
      p = "/instance/service-accounts/default" + p.substr(27 + alias.size());
  if (p.empty()) return text("instance/\noauth/\nproject/\nuniverse/\n");
  if (p == "/instance") return text("hostname\nid\nservice-accounts/\nzone\n");
  if (p == "/instance/service-accounts") return text("default/\n" + std::string(metadata_account) + "/\n");
  if (p == "/project") return text("numeric-project-id\nproject-id\n");
  if (p == "/project/project-id") return text(project_id);
  if (p == "/project/numeric-project-id") return text("123");
  if (p == "/universe/universe-domain") return text("googleapis.com");
  if (p == "/instance/service-accounts/default/email") return text(metadata_account);
  if (p == "/instance/service-accounts/default" && query_param(t.query, "recursive") == "true")
    return {200, json::serialize(json::object{
                     {"aliases", {"default"}}, {"email", metadata_account}, {"scopes", {cloud_platform}}})};
  if (p == "/instance/service-accounts/default") return text("aliases\nemail\nidentity\nscopes\ntoken\n");
  if (p == "/instance/service-accounts/default/token") {
    const std::string scopes = form_decode(query_param(t.query, "scopes"));
    if (!scopes.empty() && !has_scope(scopes, ',', cloud_platform))
      throw refusal{400, "invalid scopes", "metadata token scopes lack cloud-platform", "text/html"};
    return token_answer(access_token_);
  }
  throw refusal{404, "Not Found", "no such metadata: " + t.path, "text/html"};
}

}  // namespace ocimirror::testing
