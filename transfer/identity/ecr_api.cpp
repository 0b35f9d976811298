#include "transfer/identity/ecr_api.hpp"

#include "transfer/identity/aws_metadata.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/net/headers.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>

namespace ocimirror::transfer {
namespace json = boost::json;

namespace {

constexpr const char* target_prefix = "AmazonEC2ContainerRegistry_V20150921.";

/// "host[:port]" of an endpoint URL, as the Host header carries it and SigV4 signs it: from the one URL parser.
std::string authority_of(const std::string& url) { return split_url(url).authority; }

std::int64_t epoch_seconds(std::chrono::system_clock::time_point p) {
  return std::chrono::duration_cast<std::chrono::seconds>(p.time_since_epoch()).count();
}

std::string form_value(std::string_view s) { return aws_uri_encode(s); }

/// AWS's JSON error ({"__type": "...#Type", "message": "..."}), as "Type: message".
std::string aws_error(const std::string& body) {
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return printable(body.substr(0, 200));
  std::string type, message;
  if (auto* t = doc.as_object().if_contains("__type"); t && t->is_string()) type = t->as_string().c_str();
  for (const char* key : {"message", "Message"})
    if (auto* m = doc.as_object().if_contains(key); m && m->is_string()) message = m->as_string().c_str();
  if (auto hash = type.rfind('#'); hash != std::string::npos) type = type.substr(hash + 1);
  return printable(type + (message.empty() ? "" : ": " + message));
}

errc errc_of(unsigned status, const std::string& body) {
  if (body.find("AccessDenied") != std::string::npos || status == 403) return errc::denied;
  if (body.find("UnrecognizedClient") != std::string::npos || body.find("InvalidSignature") != std::string::npos ||
      body.find("ExpiredToken") != std::string::npos || status == 401)
    return errc::unauthorized;
  if (body.find("Throttling") != std::string::npos || status == 429) return errc::throttled;
  return status >= 500 ? errc::server_error : errc::protocol;
}

}  // namespace

env_lookup_fn process_environment() {
  return [](const char* name) -> std::optional<std::string> {
    const char* v = std::getenv(name);
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
}

file_read_fn local_files() {
  return [](const std::string& path) -> std::optional<std::string> {
    try {  // a regular file of at most 1 MiB: read on the loop, so never a FIFO that would hold it in open()
      return file::read_file(path, std::size_t(1) << 20);
    } catch (const error&) {
      return std::nullopt;
    }
  };
}

awaitable<string_response> ecr_api::answer_of(const std::string& what, const std::string& url,
                                              http::request<http::string_body>& req) {
  try {
    co_return co_await http_.send(url, std::move(req), 1 << 20);
  } catch (const error& e) {
    if (e.code() != errc::too_large) throw;
  }
  throw error(errc::protocol, what + " answered more than 1 MiB; refused");  // named as its own, not a manifest's
}

awaitable<std::optional<aws_credentials>> ecr_api::keys(const aws_source& src) {
  if (!src.problem.empty()) throw error(errc::unauthorized, src.problem);
  if (!src.temporary()) co_return src.keys;
  if (assumed_ && std::chrono::system_clock::now() + std::chrono::minutes(5) < assumed_until_) co_return *assumed_;
  if (src.web_identity()) co_return co_await assume_web_identity(src);
  auto got = co_await host_keys(metadata_, src, read_);
  if (!got) co_return std::nullopt;
  assumed_ = got->keys;
  assumed_until_ = got->expires;
  co_return assumed_;
}

awaitable<aws_credentials> ecr_api::assume_web_identity(const aws_source& src) {
  const auto now = std::chrono::system_clock::now();
  auto jwt = read_(src.token_file);
  if (!jwt || jwt->empty())
    throw error(errc::unauthorized,
                "cannot read the web identity token file " + src.token_file + " (" + src.where + ")");
  while (!jwt->empty() && (jwt->back() == '\n' || jwt->back() == '\r')) jwt->pop_back();
  const auto ep = aws_endpoint_for("sts", src.region.empty() ? "us-east-1" : src.region, env_);
  if (!ep.problem.empty()) throw error(errc::bad_reference, ep.problem);
  http::request<http::string_body> req{http::verb::post, "", 11};
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.body() = "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=" + form_value(src.role_arn) +
               "&RoleSessionName=" + form_value(src.session) + "&WebIdentityToken=" + form_value(*jwt);
  const std::string sts_url = ep.url + "/";
  const std::string sts_what = "STS AssumeRoleWithWebIdentity at " + ep.url;
  auto res = co_await answer_of(sts_what, sts_url, req);
  std::int64_t expires = 0;
  auto creds = parse_sts_credentials(res.body(), &expires);
  if (res.result_int() == 200 && creds.empty())  // answered, but not with credentials: STS's fault, said so
    throw error(errc::protocol, "STS AssumeRoleWithWebIdentity at " + ep.url + " for role " + src.role_arn +
                                    " answered HTTP 200 without credentials (no AccessKeyId, SecretAccessKey and "
                                    "SessionToken in its XML)");
  if (res.result_int() != 200 || creds.empty()) {
    const auto& b = res.body();  // STS errors are XML: <Error><Code>...</Code><Message>...</Message></Error>
    auto at = b.find("<Message>");
    const std::string message = at == std::string::npos ? std::string("HTTP ") + std::to_string(res.result_int())
                                                        : b.substr(at + 9, b.find("</Message>", at) - at - 9);
    throw error(errc::unauthorized, "STS AssumeRoleWithWebIdentity at " + ep.url + " for role " + src.role_arn +
                                        " refused: " + printable(message));
  }
  creds.source = src.where + " via STS";
  assumed_ = creds;
  // Missing, garbled or absurd, Expiration is kept within [now + 10 min, now + 12 h] (STS's shortest session is 15):
  // STS is never asked per call.
  assumed_until_ = std::chrono::system_clock::time_point(std::chrono::seconds(std::clamp<std::int64_t>(
      expires, epoch_seconds(now + std::chrono::minutes(10)), epoch_seconds(now + std::chrono::hours(12)))));
  co_return creds;
}

awaitable<std::string> ecr_api::call(const std::string& registry, const std::string& action, std::string body,
                                     bool* exists) {
  const auto src = find_aws_source(env_, read_);
  const std::string looked =
      " (looked at AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE, the shared credentials and config files, the "
      "container credentials endpoint and IMDS)";
  if (!src.found()) throw error(errc::unauthorized, "no AWS credentials for ECR " + registry + looked);
  const std::string region = ecr_region(registry).empty() ? src.region : ecr_region(registry);
  const auto ep = aws_endpoint_for("ecr", region, env_);
  if (!ep.problem.empty()) throw error(errc::bad_reference, ep.problem);
  const auto found = co_await keys(src);
  if (!found) throw error(errc::unauthorized, "no AWS credentials for ECR " + registry + looked);
  const auto& creds = *found;
  // The key id and session token become header values (Authorization, X-Amz-Security-Token): from STS or a file,
  // they are checked before anything is signed.
  check_header_value(creds.access_key_id, "the AWS access key id from " + creds.source);
  check_header_value(creds.session_token, "the AWS session token from " + creds.source);
  sigv4_request sig{"POST",
                    authority_of(ep.url),
                    "/",
                    "",
                    {{"content-type", "application/x-amz-json-1.1"}, {"x-amz-target", target_prefix + action}},
                    body};
  http::request<http::string_body> req{http::verb::post, "", 11};
  req.set(http::field::content_type, "application/x-amz-json-1.1");
  req.set("X-Amz-Target", target_prefix + action);
  for (const auto& [k, v] : sigv4_sign(sig, creds, region, "ecr", amz_date(std::chrono::system_clock::now())))
    req.set(k, v);
  req.body() = std::move(body);
  const std::string api_url = ep.url + "/";
  const std::string api_what = "ECR API " + action + " at " + ep.url;
  auto res = co_await answer_of(api_what, api_url, req);
  if (res.result_int() == 200) co_return std::move(res.body());
  if (exists && res.body().find("RepositoryAlreadyExistsException") != std::string::npos) {
    *exists = true;
    co_return std::string();
  }
  throw error(errc_of(res.result_int(), res.body()), "ECR API " + action + " at " + ep.url + " for " + registry +
                                                         " (credentials from " + src.where +
                                                         "): " + aws_error(res.body()));
}

awaitable<std::optional<ecr_api::token>> ecr_api::authorization(const std::string& registry) {
  const auto src = find_aws_source(env_, read_);
  if (!src.found()) co_return std::nullopt;
  const auto found = co_await keys(src);  // kept: call() below finds them again
  if (!found) co_return std::nullopt;
  const auto account = ecr_account(registry);
  json::object ask;
  if (!account.empty()) ask["registryIds"] = json::array{json::value(account)};
  const std::string action = "GetAuthorizationToken", body = json::serialize(ask);  // named: GCC 12 rule
  const auto answer = co_await call(registry, action, body);
  boost::system::error_code ec;
  auto doc = json::parse(answer, ec);
  const json::value* data = nullptr;
  if (!ec && doc.is_object())
    if (auto* list = doc.as_object().if_contains("authorizationData");
        list && list->is_array() && !list->as_array().empty())
      data = &list->as_array()[0];
  const json::value* encoded =
      data && data->is_object() ? data->as_object().if_contains("authorizationToken") : nullptr;
  auto decoded = encoded && encoded->is_string() ? base64_decode(encoded->as_string()) : std::nullopt;
  const auto colon = decoded ? decoded->find(':') : std::string::npos;
  if (colon == std::string::npos)
    throw error(errc::protocol, "ECR API GetAuthorizationToken for " + registry + " answered without a token");
  const std::string where = "ECR GetAuthorizationToken's authorization data for " + registry;
  check_header_value(*decoded, where);
  const auto now = std::chrono::system_clock::now();
  token t{{decoded->substr(0, colon), decoded->substr(colon + 1), {}}, now + std::chrono::hours(12)};
  // Seconds since the epoch, as AWS JSON writes timestamps. Kept within [now + 15 min, now + 12 h] (the token's
  // documented lifetime): 0, -1e300 or 1e300 neither overflow nor make every request fetch a new password.
  if (auto* at = data->as_object().if_contains("expiresAt"); at && at->is_number()) {
    const auto secs = clamped_number<std::int64_t>(*at, epoch_seconds(now + std::chrono::minutes(15)),
                                                   epoch_seconds(now + std::chrono::hours(12)));
    t.expires = std::chrono::system_clock::time_point(std::chrono::seconds(*secs));
  }
  co_return t;
}

awaitable<bool> ecr_api::create_repository(const std::string& registry, const std::string& name,
                                           const ecr_repository_settings& s) {
  json::object ask{{"repositoryName", name}};
  if (const auto account = ecr_account(registry); !account.empty()) ask["registryId"] = account;
  if (!s.tag_mutability.empty()) ask["imageTagMutability"] = s.tag_mutability;
  if (s.scan_on_push) ask["imageScanningConfiguration"] = json::object{{"scanOnPush", *s.scan_on_push}};
  if (!s.encryption.empty()) {
    json::object enc{{"encryptionType", s.encryption}};
    if (!s.kms_key.empty()) enc["kmsKey"] = s.kms_key;
    ask["encryptionConfiguration"] = std::move(enc);
  }
  bool existed = false;
  const std::string action = "CreateRepository", body = json::serialize(ask);  // named: GCC 12 rule
  co_await call(registry, action, body, &existed);
  co_return !existed;
}

}  // namespace ocimirror::transfer
