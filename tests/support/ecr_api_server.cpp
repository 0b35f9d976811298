#include "tests/support/ecr_api_server.hpp"
#include "tests/support/request_target.hpp"

#include "transfer/net/headers.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <ctime>

namespace ocimirror::testing {
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

/// The value of `key=` in the Authorization header, up to the next comma.
std::string auth_part(std::string_view header, std::string_view key) {
  const std::string k = std::string(key) + "=";
  auto at = header.find(k);
  if (at == std::string_view::npos) return {};
  at += k.size();
  return std::string(header.substr(at, header.find(',', at) - at));
}

}  // namespace

ecr_api_server::ecr_api_server(transfer::aws_credentials keys, std::string region, std::string password)
    : keys_(std::move(keys)),
      region_(std::move(region)),
      password_(std::move(password)),
      server_([this](loopback_server::request& req) { return handle(req); }) {}

void ecr_api_server::accept_web_identity(std::string token, transfer::aws_credentials temporary) {
  std::lock_guard lock(mutex_);
  web_token_ = std::move(token);
  temporary_ = temporary;
  temporaries_.push_back(std::move(temporary));
}

void ecr_api_server::accept_temporary(transfer::aws_credentials temporary) {
  std::lock_guard lock(mutex_);
  temporaries_.push_back(std::move(temporary));
}

void ecr_api_server::on_create(std::function<void(const std::string&)> f) {
  std::lock_guard lock(mutex_);
  on_create_ = std::move(f);
}

std::size_t ecr_api_server::token_calls() const {
  std::lock_guard lock(mutex_);
  return token_calls_;
}

std::size_t ecr_api_server::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::vector<std::string> ecr_api_server::create_bodies() const {
  std::lock_guard lock(mutex_);
  return create_bodies_;
}

loopback_server::response ecr_api_server::aws_error(unsigned status, const std::string& type,
                                                    const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    ++refused_;
  }
  loopback_server::response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/x-amz-json-1.1");
  res.body() = json::serialize(json::object{{"__type", type}, {"message", message}});
  res.prepare_payload();
  return res;
}

std::string ecr_api_server::signature_problem(const loopback_server::request& req) const {
  const std::string header(req[http::field::authorization]);
  if (!header.starts_with("AWS4-HMAC-SHA256 ")) return "not a SigV4 Authorization";
  const auto credential = auth_part(header, "Credential"), names = auth_part(header, "SignedHeaders"),
             given = auth_part(header, "Signature");
  const std::string date(req["X-Amz-Date"]);
  const auto slash = credential.find('/');
  const std::string key_id = credential.substr(0, slash);
  std::lock_guard lock(mutex_);
  const auto known = std::find_if(temporaries_.begin(), temporaries_.end(),
                                  [&](const auto& t) { return !t.access_key_id.empty() && t.access_key_id == key_id; });
  const bool temporary = known != temporaries_.end();
  if (key_id != keys_.access_key_id && !temporary) return "UnrecognizedClientException";
  const auto& keys = temporary ? *known : keys_;
  if (temporary && req["X-Amz-Security-Token"] != keys.session_token) return "the session token is missing";
  if (date.size() != 16 || credential != key_id + "/" + date.substr(0, 8) + "/" + region_ + "/ecr/aws4_request")
    return "the credential scope is not " + date.substr(0, 8) + "/" + region_ + "/ecr/aws4_request";
  transfer::sigv4_request r;
  r.method = std::string(req.method_string());
  r.host = std::string(req[http::field::host]);
  const std::string target(req.target());
  r.path = target.substr(0, target.find('?'));
  if (auto q = target.find('?'); q != std::string::npos) r.query = target.substr(q + 1);
  for (std::size_t at = 0; at < names.size();) {
    auto end = names.find(';', at);
    if (end == std::string::npos) end = names.size();
    const auto name = names.substr(at, end - at);
    if (name != "host" && name != "x-amz-date" && name != "x-amz-security-token")
      r.headers.emplace_back(name, std::string(req[name]));
    at = end + 1;
  }
  r.body = req.body();
  if (transfer::sigv4_signature(r, keys, region_, "ecr", date) != given) return "InvalidSignatureException";
  return {};
}

loopback_server::response ecr_api_server::handle(const loopback_server::request& req) {
  if (req.body().starts_with("Action=AssumeRoleWithWebIdentity")) return sts(req);
  const std::string target(req["X-Amz-Target"]);
  if (req.method() != http::verb::post || req.target() != "/" ||
      req[http::field::content_type] != "application/x-amz-json-1.1" ||
      !target.starts_with("AmazonEC2ContainerRegistry_V20150921."))
    return aws_error(400, "SerializationException", "not an ECR API call");
  if (auto why = signature_problem(req); !why.empty())
    return aws_error(why == "UnrecognizedClientException" ? 400 : 403,
                     why == "UnrecognizedClientException" ? why : "InvalidSignatureException",
                     "The request signature we calculated does not match the signature you provided (" + why + ")");
  loopback_server::response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/x-amz-json-1.1");
  const auto action = target.substr(target.find('.') + 1);
  if (action == "GetAuthorizationToken") {
    std::lock_guard lock(mutex_);
    ++token_calls_;
    const double expires = static_cast<double>(std::time(nullptr) + 43200);
    res.body() = json::serialize(
        json::object{{"authorizationData",
                      json::array{json::object{{"authorizationToken", transfer::base64_encode("AWS:" + password_)},
                                               {"expiresAt", expires},
                                               {"proxyEndpoint", "https://example"}}}}});
  } else if (action == "CreateRepository") {
    const auto doc = json::parse(req.body()).as_object();
    const std::string name(doc.at("repositoryName").as_string());
    std::function<void(const std::string&)> tell;
    bool existed = false;
    {
      std::lock_guard lock(mutex_);
      create_bodies_.push_back(req.body());
      existed = !repositories_.insert(name).second;
      tell = on_create_;
    }
    if (existed)
      return aws_error(400, "RepositoryAlreadyExistsException",
                       "The repository with name '" + name + "' already exists");
    if (tell) tell(name);
    res.body() = json::serialize(json::object{{"repository", json::object{{"repositoryName", name}}}});
  } else {
    return aws_error(400, "InvalidAction", action);
  }
  res.prepare_payload();
  return res;
}

loopback_server::response ecr_api_server::sts(const loopback_server::request& req) {
  std::string expected;
  transfer::aws_credentials temp;
  {
    std::lock_guard lock(mutex_);
    expected = web_token_;
    temp = temporary_;
  }
  loopback_server::response res{http::status::ok, 11};
  res.set(http::field::content_type, "text/xml");
  if (expected.empty() || query_param(req.body(), "WebIdentityToken") != expected ||
      query_param(req.body(), "RoleArn").empty()) {
    res.result(http::status::bad_request);
    res.body() =
        "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>the token is not valid</Message>"
        "</Error></ErrorResponse>";
  } else {
    res.body() = "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>" +
                 temp.access_key_id + "</AccessKeyId><SecretAccessKey>" + temp.secret_access_key +
                 "</SecretAccessKey><SessionToken>" + temp.session_token +
                 "</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>"
                 "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>";
  }
  res.prepare_payload();
  return res;
}

}  // namespace ocimirror::testing
