#include "transfer/identity/github_app.hpp"

#include "transfer/identity/call.hpp"
#include "transfer/identity/jwt.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"
#include "transfer/registry/listing.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>

namespace ocimirror::transfer::identity {
namespace json = boost::json;

namespace {
std::optional<std::string> get(const env_lookup_fn& env, const char* name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

bool digits(std::string_view s) {
  return !s.empty() && s.size() <= 20 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}
}  // namespace

github_app_source find_github_app(const env_lookup_fn& env, const file_read_fn& read) {
  github_app_source s;
  auto id = get(env, "GITHUB_APP_ID");
  if (!id) return s;
  s.app_id = *id;
  s.installation_id = get(env, "GITHUB_APP_INSTALLATION_ID").value_or("");
  s.where = "the GitHub App " + printable(s.app_id);
  if (auto file = get(env, "GITHUB_APP_PRIVATE_KEY_FILE")) {
    auto pem = read(*file);
    if (!pem) s.problem = "cannot read GITHUB_APP_PRIVATE_KEY_FILE " + *file;
    s.key_pem = pem.value_or("");
  } else if (auto pem = get(env, "GITHUB_APP_PRIVATE_KEY")) {
    s.key_pem = *pem;
  } else {
    s.problem = "GITHUB_APP_ID is set but neither GITHUB_APP_PRIVATE_KEY_FILE nor GITHUB_APP_PRIVATE_KEY is";
  }
  // The numeric app id, or the app's client id ("Iv23li…"), which GitHub now takes as the JWT's issuer too.
  const bool client_id = s.app_id.size() <= 40 && std::all_of(s.app_id.begin(), s.app_id.end(), [](unsigned char c) {
                           return std::isalnum(c) || c == '.';
                         });
  if (!digits(s.app_id) && !client_id) s.problem = "GITHUB_APP_ID must be the app's id or client id";
  if (!s.installation_id.empty() && !digits(s.installation_id))
    s.problem = "GITHUB_APP_INSTALLATION_ID must be a number";
  return s;
}

bool github_app::configured() const { return find_github_app(env_, read_).found(); }

awaitable<string_response> github_app::as_app(http::verb verb, const std::string& base, const std::string& path,
                                              const github_app_source& app) {
  auto key = read_rsa_key(app.key_pem);
  if (!key) throw error(errc::unauthorized, app.where + "'s private key is not an unencrypted RSA key in PEM");
  // iat a minute back for clock drift, exp within the ten minutes GitHub allows.
  const auto now = std::chrono::duration_cast<std::chrono::seconds>(clock::now().time_since_epoch()).count();
  const json::object claims{{"iat", now - 60}, {"exp", now + 540}, {"iss", app.app_id}};
  http::request<http::string_body> req{verb, "", 11};
  req.set(http::field::authorization, "Bearer " + sign_rs256({}, claims, key.get()));
  req.set(http::field::accept, "application/vnd.github+json");
  req.set("X-GitHub-Api-Version", "2022-11-28");
  const std::string what = "GitHub API " + path, url = base + path;
  co_return co_await call(http_, what, url, std::move(req));
}

awaitable<std::string> github_app::installation(const std::string& base, const github_app_source& app) {
  if (!app.installation_id.empty()) co_return app.installation_id;
  const std::string path = "/app/installations";  // named: GCC 12 rule
  auto res = co_await as_app(http::verb::get, base, path, app);
  boost::system::error_code ec;
  auto doc = json::parse(res.body(), ec);
  if (res.result_int() != 200 || ec || !doc.is_array())
    throw error(errc::unauthorized, "GitHub API /app/installations refused " + app.where + " (" +
                                        error_of(res.result_int(), res.body()) + ")");
  const auto& list = doc.as_array();
  const json::value* id = list.size() == 1 && list[0].is_object() ? list[0].as_object().if_contains("id") : nullptr;
  if (!id || !id->is_number())
    throw error(errc::unauthorized, app.where + " is installed on " + std::to_string(list.size()) +
                                        " accounts; set GITHUB_APP_INSTALLATION_ID to the one to use");
  co_return std::to_string(id->to_number<std::int64_t>());
}

awaitable<std::optional<timed_token>> github_app::token() {
  const auto app = find_github_app(env_, read_);
  if (!app.found()) co_return std::nullopt;
  if (token_ && clock::now() + std::chrono::minutes(5) < token_->expires) co_return token_;
  if (!app.problem.empty()) throw error(errc::unauthorized, app.problem);
  auto base = github_api_base(get(env_, "GITHUB_API_URL").value_or(""));
  if (!base) throw error(errc::bad_reference, base.error());
  const std::string id = co_await installation(*base, app);
  const std::string path = "/app/installations/" + id + "/access_tokens";
  auto res = co_await as_app(http::verb::post, *base, path, app);
  token_ = token_from(res, "token", "GitHub API " + path, app.where);
  co_return token_;
}

awaitable<std::optional<authenticator::timed_credentials>> github_app::registry_credentials() {
  auto t = co_await token();
  if (!t) co_return std::nullopt;
  co_return authenticator::timed_credentials{{"x-access-token", t->value, {}}, t->expires};
}

}  // namespace ocimirror::transfer::identity
