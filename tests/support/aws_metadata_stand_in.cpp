#include "tests/support/aws_metadata_stand_in.hpp"

#include "transfer/oci/base64.hpp"

#include <openssl/rand.h>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>

#include <ctime>
#include <stdexcept>

namespace ocimirror::testing {
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

constexpr const char* imds_ttl_header = "X-aws-ec2-metadata-token-ttl-seconds";
constexpr const char* imds_token_header = "X-aws-ec2-metadata-token";
constexpr const char* imds_credentials = "/latest/meta-data/iam/security-credentials";
constexpr const char* account_id = "123456789012";

std::string random_bytes(std::size_t n) {
  std::string out(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(n)) != 1)
    throw std::runtime_error("RAND_bytes failed");
  return out;
}

/// "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx": a version 4 UUID, as ECS puts in its credentials path.
std::string uuid() {
  auto b = random_bytes(16);
  b[6] = static_cast<char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<char>((b[8] & 0x3f) | 0x80);
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < b.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    const auto c = static_cast<unsigned char>(b[i]);
    out += hex[c >> 4];
    out += hex[c & 15];
  }
  return out;
}

/// RFC 3339 in UTC, as AWS writes Expiration and LastUpdated: "2026-12-07T22:00:00Z".
std::string rfc3339(std::chrono::system_clock::time_point t) {
  const std::time_t s = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

}  // namespace

aws_metadata_stand_in::aws_metadata_stand_in(transfer::aws_credentials temporary, std::string role)
    : temporary_(std::move(temporary)),
      role_(std::move(role)),
      container_path_("/v2/credentials/" + uuid()),
      server_([this](loopback_server::request& req) { return handle(req); }) {}

void aws_metadata_stand_in::require_authorization(std::string token) {
  std::lock_guard lock(mutex_);
  authorization_ = std::move(token);
}

void aws_metadata_stand_in::expiration_in(std::chrono::seconds after) {
  std::lock_guard lock(mutex_);
  expiration_ = after;
}

std::size_t aws_metadata_stand_in::container_requests() const {
  std::lock_guard lock(mutex_);
  return container_;
}
std::size_t aws_metadata_stand_in::imds_token_requests() const {
  std::lock_guard lock(mutex_);
  return imds_tokens_issued_;
}
std::size_t aws_metadata_stand_in::imds_credential_requests() const {
  std::lock_guard lock(mutex_);
  return imds_credentials_;
}
std::size_t aws_metadata_stand_in::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}
std::string aws_metadata_stand_in::last_refusal() const {
  std::lock_guard lock(mutex_);
  return last_refusal_;
}

aws_metadata_stand_in::response aws_metadata_stand_in::refuse(unsigned status, std::string reason, std::string body) {
  response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "text/plain");
  res.body() = body.empty() ? reason : body;
  res.prepare_payload();
  std::lock_guard lock(mutex_);
  ++refused_;
  last_refusal_ = std::move(reason);
  return res;
}

std::string aws_metadata_stand_in::credentials_json(bool imds) const {
  const auto now = std::chrono::system_clock::now();
  json::object o;
  if (imds) {
    o["Code"] = "Success";
    o["LastUpdated"] = rfc3339(now);
    o["Type"] = "AWS-HMAC";
  }
  o["AccessKeyId"] = temporary_.access_key_id;
  o["SecretAccessKey"] = temporary_.secret_access_key;
  o["Token"] = temporary_.session_token;
  if (!imds) {
    o["AccountId"] = account_id;                                                  // EKS Pod Identity's answers carry it
    o["RoleArn"] = std::string("arn:aws:iam::") + account_id + ":role/" + role_;  // and ECS's this
  }
  o["Expiration"] = rfc3339(now + expiration_);
  return json::serialize(o);
}

aws_metadata_stand_in::response aws_metadata_stand_in::handle(const request& req) {
  if (req.find(http::field::host) == req.end()) return refuse(400, "no Host header");
  const std::string target(req.target());
  if (target == container_path_) return container(req);
  if (target == "/latest/api/token") return imds_token(req);
  if (target.starts_with("/latest/meta-data/")) return imds_get(req, target);
  return refuse(404, "no such path: " + target, "Not Found");
}

aws_metadata_stand_in::response aws_metadata_stand_in::container(const request& req) {
  if (req.method() != http::verb::get)
    return refuse(405, "container endpoint: " + std::string(req.method_string()) + " instead of GET");
  std::string expected;
  {
    std::lock_guard lock(mutex_);
    expected = authorization_;
  }
  if (!expected.empty()) {
    const auto given = req.find(http::field::authorization);
    if (given == req.end())
      return refuse(401, "container endpoint: no Authorization header",
                    R"({"code":"AccessDenied","message":"Authorization header is missing"})");
    if (given->value() != expected)
      return refuse(403, "container endpoint: the Authorization header is not the token",
                    R"({"code":"AccessDenied","message":"the service account token is not valid"})");
  }
  response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  std::lock_guard lock(mutex_);
  ++container_;
  res.body() = credentials_json(false);
  res.prepare_payload();
  return res;
}

aws_metadata_stand_in::response aws_metadata_stand_in::imds_token(const request& req) {
  if (req.method() != http::verb::put)
    return refuse(405, "IMDS token: " + std::string(req.method_string()) + " instead of PUT", "Method Not Allowed");
  if (req.find("X-Forwarded-For") != req.end())
    return refuse(403, "IMDS token: the request carries X-Forwarded-For", "Forbidden");
  const std::string ttl(req[imds_ttl_header]);
  long seconds = 0;
  const bool digits = !ttl.empty() && ttl.size() <= 6 && ttl.find_first_not_of("0123456789") == std::string::npos;
  if (digits) seconds = std::stol(ttl);
  if (!digits || seconds < 1 || seconds > 21600)
    return refuse(400, "IMDS token: " + std::string(imds_ttl_header) + " is '" + ttl + "', not 1..21600",
                  "Bad Request");
  const std::string token = "AQAEA" + transfer::base64_encode(random_bytes(42));
  response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain");
  res.set(imds_ttl_header, ttl);
  res.body() = token;
  res.prepare_payload();
  std::lock_guard lock(mutex_);
  imds_tokens_[token] = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  ++imds_tokens_issued_;
  return res;
}

aws_metadata_stand_in::response aws_metadata_stand_in::imds_get(const request& req, const std::string& path) {
  if (req.method() != http::verb::get)
    return refuse(405, "IMDS: " + std::string(req.method_string()) + " " + path, "Method Not Allowed");
  const auto given = req.find(imds_token_header);
  if (given == req.end())
    return refuse(401, "IMDS: no " + std::string(imds_token_header) + " (IMDSv1)", "Unauthorized");
  std::string problem;
  {
    std::lock_guard lock(mutex_);
    const auto known = imds_tokens_.find(std::string(given->value()));
    if (known == imds_tokens_.end())
      problem = "IMDS: a token it did not hand out";
    else if (known->second <= std::chrono::steady_clock::now())
      problem = "IMDS: an expired token";
  }
  if (!problem.empty()) return refuse(401, problem, "Unauthorized");
  const std::string list = imds_credentials;
  std::string body;
  if (path == list || path == list + "/") {
    body = role_;
  } else if (path == list + "/" + role_) {
    std::lock_guard lock(mutex_);
    body = credentials_json(true);
  } else if (path.starts_with("/latest/meta-data/iam/security-credentials-extended/")) {
    // Newer SDKs try this first and fall back on a 404, as from an instance without it: not a refusal.
    response res{http::status::not_found, 11};
    res.body() = "Not Found";
    res.prepare_payload();
    return res;
  } else {
    return refuse(404, "IMDS: no such path: " + path, "Not Found");
  }
  response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain");
  res.body() = body;
  res.prepare_payload();
  std::lock_guard lock(mutex_);
  ++imds_credentials_;
  return res;
}

}  // namespace ocimirror::testing
