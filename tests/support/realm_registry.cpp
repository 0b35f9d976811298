#include "tests/support/realm_registry.hpp"

namespace ocimirror::testing {
namespace http = boost::beast::http;

loopback_server::response realm_registry::handle(loopback_server::request& req) {
  if (req.find("X-Injected") != req.end()) injected_ = true;
  const std::string target(req.target());
  loopback_server::response res{http::status::ok, 11};
  res.set(http::field::content_type, "application/json");
  if (target.starts_with("/token-big")) {
    res.body() = R"({"token":")" + std::string(3u << 20, 'a') + "\"}";  // 3 MiB
  } else if (target.starts_with("/token")) {
    res.body() = target.find("inject") != std::string::npos ? R"({"token":"T\r\nX-Injected: yes"})"
                                                            : R"({"token":"good-token"})";
  } else if (req[http::field::authorization] == "Bearer good-token") {
    res.body() = R"({"name":"helper/app","tags":["v1"]})";
  } else {
    std::string realm = "http://" + host() + "/token";
    if (target.find("/inject/") != std::string::npos) realm += "-inject";
    if (target.find("/big/") != std::string::npos) realm += "-big";
    if (target.find("/file/") != std::string::npos) realm = "file:///etc/passwd";
    if (target.find("/admin/") != std::string::npos) {
      std::lock_guard l(m_);
      realm = admin_realm_;
    }
    res.result(http::status::unauthorized);
    res.set(http::field::www_authenticate, "Bearer realm=\"" + realm + "\",service=\"realm-registry\"");
    res.body() = R"({"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]})";
  }
  res.prepare_payload();
  return res;
}

}  // namespace ocimirror::testing
