#include "tests/support/github_app_stand_in.hpp"

#include "tests/support/request_target.hpp"
#include "transfer/oci/base64.hpp"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <boost/algorithm/string/predicate.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <optional>
#include <stdexcept>

namespace ocimirror::testing {
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr const char* not_decoded = "A JSON web token could not be decoded";

/// The bytes of base64url without padding (RFC 7515 §2), or nullopt.
std::optional<std::string> base64url_decode(std::string s) {
  if (s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != std::string::npos)
    return std::nullopt;
  for (auto& c : s) c = c == '-' ? '+' : c == '_' ? '/' : c;
  while (s.size() % 4) s += '=';
  return transfer::base64_decode(s);
}

std::optional<json::object> json_object(const std::optional<std::string>& text) {
  if (!text) return std::nullopt;
  boost::system::error_code ec;
  auto v = json::parse(*text, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return v.as_object();
}

std::optional<std::int64_t> integer(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  if (v && v->is_int64()) return v->as_int64();
  if (v && v->is_uint64() && v->as_uint64() < (1ull << 62)) return static_cast<std::int64_t>(v->as_uint64());
  return std::nullopt;
}

json::value id_value(const std::string& id) {
  if (!id.empty() && id.size() < 18 && id.find_first_not_of("0123456789") == std::string::npos) return std::stoll(id);
  return json::string(id);
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

/// The token of "Bearer X" (or "token X" when token_scheme), or empty.
std::string credential(std::string_view header, bool token_scheme) {
  if (header.starts_with("Bearer ")) return std::string(header.substr(7));
  if (token_scheme && header.starts_with("token ")) return std::string(header.substr(6));
  return {};
}

}  // namespace

github_app_stand_in::github_app_stand_in(std::string app_id, std::string installation_id, std::string owner,
                                         std::string token)
    : app_id_(std::move(app_id)),
      installation_id_(std::move(installation_id)),
      owner_(std::move(owner)),
      token_(std::move(token)),
      server_([this](loopback_server::request& req) { return handle(req); }) {}

void github_app_stand_in::write_private_key(const std::string& path) {
  std::shared_ptr<EVP_PKEY> key(EVP_RSA_gen(2048), EVP_PKEY_free);
  BIO* out = key ? BIO_new_file(path.c_str(), "w") : nullptr;
  if (!out) throw std::runtime_error("cannot make the App key at " + path);
  const int ok = PEM_write_bio_PrivateKey_traditional(out, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  BIO_free(out);
  if (ok != 1) throw std::runtime_error("cannot write the App key to " + path);
  std::lock_guard lock(mutex_);
  key_ = std::move(key);
}

void github_app_stand_in::token_lifetime(std::chrono::seconds lifetime) {
  std::lock_guard lock(mutex_);
  lifetime_ = lifetime;
}

void github_app_stand_in::packages(std::vector<std::string> names) {
  std::lock_guard lock(mutex_);
  packages_ = std::move(names);
}

std::size_t github_app_stand_in::tokens_issued() const {
  std::lock_guard lock(mutex_);
  return tokens_issued_;
}
std::size_t github_app_stand_in::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}
std::string github_app_stand_in::last_refusal() const {
  std::lock_guard lock(mutex_);
  return last_refusal_;
}

github_app_stand_in::response github_app_stand_in::answer(unsigned status, std::string body) {
  response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json; charset=utf-8");
  res.set("X-GitHub-Media-Type", "github.v3; format=json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

github_app_stand_in::response github_app_stand_in::refuse(unsigned status, std::string reason,
                                                          const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    ++refused_;
    last_refusal_ = std::move(reason);
  }
  return answer(status, json::serialize(
                            json::object{{"message", message}, {"documentation_url", "https://docs.github.com/rest"}}));
}

bool github_app_stand_in::is_owner(const std::string& name) const { return boost::iequals(name, owner_); }

std::string github_app_stand_in::app_problem(const request& req, std::string& message) const {
  message = not_decoded;
  const std::string jwt = credential(req[http::field::authorization], false);
  if (jwt.empty()) return "no 'Authorization: Bearer <JWT>'";
  const auto dot1 = jwt.find('.'), dot2 = jwt.find('.', dot1 == std::string::npos ? dot1 : dot1 + 1);
  if (dot2 == std::string::npos || jwt.find('.', dot2 + 1) != std::string::npos) return "the JWT is not three parts";
  const auto header = json_object(base64url_decode(jwt.substr(0, dot1)));
  const auto claims = json_object(base64url_decode(jwt.substr(dot1 + 1, dot2 - dot1 - 1)));
  const auto signature = base64url_decode(jwt.substr(dot2 + 1));
  if (!header || !claims || !signature) return "the JWT's parts are not base64url JSON";
  if (const auto* alg = header->if_contains("alg"); !alg || !alg->is_string() || alg->as_string() != "RS256")
    return "the JWT's alg is not RS256";
  std::shared_ptr<EVP_PKEY> key;
  {
    std::lock_guard lock(mutex_);
    key = key_;
  }
  if (!key) return "no App key was made (write_private_key)";
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  const bool signed_ok =
      EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, key.get()) == 1 &&
      EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature->data()), signature->size(),
                       reinterpret_cast<const unsigned char*>(jwt.data()), dot2) == 1;
  EVP_MD_CTX_free(ctx);
  if (!signed_ok) return "the JWT is not signed RS256 by the App's key";
  const auto* iss = claims->if_contains("iss");
  const bool iss_ok = iss && ((iss->is_string() && iss->as_string() == app_id_) ||
                              (iss->is_int64() && std::to_string(iss->as_int64()) == app_id_) ||
                              (iss->is_uint64() && std::to_string(iss->as_uint64()) == app_id_));
  if (!iss_ok) {
    message = "'Issuer' claim ('iss') must be an Integer";
    return "the JWT's iss is not the App's id " + app_id_;
  }
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  const auto iat = integer(*claims, "iat"), exp = integer(*claims, "exp");
  if (!iat || *iat > now + 60) {
    message = "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued";
    return iat ? "the JWT's iat is " + std::to_string(*iat - now) + " s in the future" : "the JWT has no integer iat";
  }
  if (!exp || *exp <= now) {
    message =
        "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the "
        "assertion expires";
    return exp ? "the JWT has expired" : "the JWT has no integer exp";
  }
  if (*exp > now + 600) {
    message = "'Expiration time' claim ('exp') is too far in the future";
    return "the JWT's exp is " + std::to_string(*exp - now) + " s ahead, more than 10 minutes";
  }
  return {};
}

github_app_stand_in::response github_app_stand_in::handle(const request& req) {
  if (req[http::field::user_agent].empty())
    return refuse(403, "no User-Agent",
                  "Request forbidden by administrative rules. Please make sure your request has a User-Agent header "
                  "(https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required).");
  bool accepted = false;
  for (auto accept = std::string(req[http::field::accept]); !accept.empty();) {
    auto end = accept.find(',');
    auto type = accept.substr(0, std::min(end, accept.find(';')));
    type.erase(0, type.find_first_not_of(' '));
    type.erase(type.find_last_not_of(' ') + 1);
    accepted = accepted || type == "application/vnd.github+json" || type == "application/vnd.github.v3+json" ||
               type == "application/json";
    accept = end == std::string::npos ? "" : accept.substr(end + 1);
  }
  if (!accepted)
    return refuse(415, "Accept is '" + std::string(req[http::field::accept]) + "', not application/vnd.github+json",
                  "Unsupported 'Accept' header: '" + std::string(req[http::field::accept]) + "'");
  if (const auto v = req.find("X-GitHub-Api-Version");
      v != req.end() && v->value() != "2022-11-28" && v->value() != "2026-03-10")
    return refuse(400, "unsupported X-GitHub-Api-Version " + std::string(v->value()),
                  "API version " + std::string(v->value()) + " is not supported.");
  const auto t = parse_target(req.target());
  const bool get = req.method() == http::verb::get;
  const auto owner_path = [&](const std::string& tail) -> std::optional<std::string> {
    for (const char* kind : {"/orgs/", "/users/"})
      if (t.path.starts_with(kind) && t.path.ends_with(tail) && t.path.size() > std::strlen(kind) + tail.size()) {
        auto name = t.path.substr(std::strlen(kind), t.path.size() - std::strlen(kind) - tail.size());
        if (name.find('/') == std::string::npos) return name;
      }
    return std::nullopt;
  };
  if (get && owner_path("/packages")) return package_list(req, *owner_path("/packages"), t.query);
  const bool tokens = req.method() == http::verb::post && t.path.starts_with("/app/installations/") &&
                      t.path.ends_with("/access_tokens");
  const auto installation = owner_path("/installation");
  if (!(get && (t.path == "/app" || t.path == "/app/installations" || installation)) && !tokens)
    return refuse(404, "no such endpoint: " + std::string(req.method_string()) + " " + t.path, "Not Found");
  std::string message;
  if (auto why = app_problem(req, message); !why.empty()) return refuse(401, why, message);
  const json::object account{{"login", owner_}, {"type", "Organization"}};
  json::object inst{{"id", id_value(installation_id_)},
                    {"account", account},
                    {"app_id", id_value(app_id_)},
                    {"target_type", "Organization"},
                    {"repository_selection", "all"},
                    {"permissions", json::object{{"metadata", "read"}, {"packages", "read"}}},
                    {"access_tokens_url", url() + "/app/installations/" + installation_id_ + "/access_tokens"}};
  if (tokens) return access_token(req);
  if (t.path == "/app")
    return answer(200, json::serialize(json::object{{"id", id_value(app_id_)}, {"slug", "ocimirror-test"}}));
  if (t.path == "/app/installations") return answer(200, json::serialize(json::array{inst}));
  if (!is_owner(*installation)) return refuse(404, "the App is not installed on " + *installation, "Not Found");
  return answer(200, json::serialize(inst));
}

github_app_stand_in::response github_app_stand_in::access_token(const request& req) {
  const std::string path(req.target());
  if (path != "/app/installations/" + installation_id_ + "/access_tokens")
    return refuse(404, "no installation " + path, "Not Found");
  json::object granted{{"metadata", "read"}, {"packages", "read"}}, permissions = granted;
  if (!req.body().empty()) {
    const auto body = json_object(req.body());
    if (!body) return refuse(400, "the access_tokens body is not a JSON object", "Problems parsing JSON");
    if (const auto* asked = body->if_contains("permissions")) {
      if (!asked->is_object() || asked->as_object().empty())
        return refuse(422, "permissions is not an object of permissions", "Invalid request.");
      permissions.clear();
      for (const auto& [name, level] : asked->as_object()) {
        const auto* has = granted.if_contains(name);
        if (!has || *has != level)
          return refuse(422, "asked for " + std::string(name) + ":" + json::serialize(level),
                        "The permissions requested are not granted to this installation.");
        permissions[name] = level;
      }
    }
  }
  std::chrono::system_clock::time_point expires;
  {
    std::lock_guard lock(mutex_);
    expires = token_expires_ = std::chrono::system_clock::now() + lifetime_;
    ++tokens_issued_;
  }
  return answer(201, json::serialize(json::object{{"token", token_},
                                                  {"expires_at", rfc3339(expires)},
                                                  {"permissions", permissions},
                                                  {"repository_selection", "all"}}));
}

github_app_stand_in::response github_app_stand_in::package_list(const request& req, const std::string& owner,
                                                                const std::string& query) {
  std::vector<std::string> names;
  bool live = false;
  {
    std::lock_guard lock(mutex_);
    names = packages_;
    live = tokens_issued_ > 0 && std::chrono::system_clock::now() < token_expires_;
  }
  if (credential(req[http::field::authorization], true) != token_ || !live)
    return refuse(401, live ? "not the installation token" : "the installation token was not handed out or expired",
                  "Bad credentials");
  if (!is_owner(owner)) return refuse(404, "the installation is not on " + owner, "Not Found");
  const auto type = query_param(query, "package_type");
  if (type != "container" && type != "npm" && type != "maven" && type != "rubygems" && type != "docker" &&
      type != "nuget")
    return refuse(422, "package_type is '" + type + "'", "Invalid request.\n\n\"package_type\" wasn't supplied.");
  if (type != "container") names.clear();
  const auto number = [&](const char* key, std::size_t fallback) -> std::optional<std::size_t> {
    const auto v = query_param(query, key);
    if (v.empty()) return fallback;
    if (v.size() > 6 || v.find_first_not_of("0123456789") != std::string::npos) return std::nullopt;
    return std::stoul(v);
  };
  const auto per_page = number("per_page", 30), page = number("page", 1);
  if (!per_page || !page) return refuse(422, "per_page or page is not a number", "Invalid request.");
  const std::size_t per = std::clamp<std::size_t>(*per_page, 1, 100), at = std::max<std::size_t>(*page, 1);
  json::array out;
  for (std::size_t i = (at - 1) * per; i < names.size() && i < at * per; ++i)
    out.push_back(json::object{{"id", i + 1},
                               {"name", names[i]},
                               {"package_type", "container"},
                               {"owner", json::object{{"login", owner_}, {"type", "Organization"}}},
                               {"visibility", "private"}});
  auto res = answer(200, json::serialize(out));
  const std::size_t last = std::max<std::size_t>(1, (names.size() + per - 1) / per);
  const auto t = parse_target(req.target());
  std::string link;
  const auto rel = [&](std::size_t p, const char* name) {
    link += (link.empty() ? "<" : ", <") + url() + with_param(t, "page", std::to_string(p)) + ">; rel=\"" + name + "\"";
  };
  if (at > 1) rel(at - 1, "prev");
  if (at < last) rel(at + 1, "next"), rel(last, "last");
  if (at > 1) rel(1, "first");
  if (!link.empty()) res.set(http::field::link, link);
  return res;
}

}  // namespace ocimirror::testing
