#include "daemon/service/admin_routes.hpp"

#include <openssl/crypto.h>
#include <boost/json/serialize.hpp>

namespace ocimirror::daemon {
namespace {

admin_response json(unsigned status, const boost::json::object& o) {
  return {status, "application/json", boost::json::serialize(o) + "\n", {}, {}};
}

admin_response problem(unsigned status, const std::string& message) { return json(status, {{"error", message}}); }

admin_response text(unsigned status, std::string body) {
  return {status, "text/plain; charset=utf-8", std::move(body), {}, {}};
}

admin_response not_allowed(const char* allow) {
  auto r = problem(405, std::string("method not allowed; use ") + allow);
  r.allow = allow;
  return r;
}

/// Constant-time comparison of the presented bearer token with the configured one.
bool token_matches(const std::string& header, const std::string& token) {
  constexpr std::string_view scheme = "Bearer ";
  if (header.size() != scheme.size() + token.size()) return false;
  if (header.compare(0, scheme.size(), scheme) != 0 && header.compare(0, scheme.size(), "bearer ") != 0) return false;
  return CRYPTO_memcmp(header.data() + scheme.size(), token.data(), token.size()) == 0;
}

constexpr const char* endpoints =
    "endpoints: GET /healthz, GET /readyz, GET /metrics, GET /v1/status, POST /v1/policies/NAME/run";

}  // namespace

admin_response route(const admin_request& req, admin_api& api) {
  const std::string path = req.target.substr(0, req.target.find('?'));
  const bool get = req.method == "GET" || req.method == "HEAD";
  if (path == "/healthz") return get ? text(200, "ok\n") : not_allowed("GET");
  if (path == "/readyz") {
    if (!get) return not_allowed("GET");
    auto why = api.not_ready();
    return why ? text(503, "not ready: " + *why + "\n") : text(200, "ready\n");
  }
  if (path == "/metrics") {
    if (!get) return not_allowed("GET");
    auto r = text(200, api.metrics_text());
    r.content_type = "text/plain; version=0.0.4; charset=utf-8";  // the Prometheus text format
    return r;
  }
  if (path == "/v1/status") return get ? json(200, api.status()) : not_allowed("GET");

  constexpr std::string_view prefix = "/v1/policies/", suffix = "/run";
  if (path.starts_with(prefix) && path.ends_with(suffix) && path.size() > prefix.size() + suffix.size()) {
    if (req.method != "POST") return not_allowed("POST");
    const std::string name = path.substr(prefix.size(), path.size() - prefix.size() - suffix.size());
    if (const auto token = api.token(); !token.empty()) {
      if (req.authorization.empty()) {
        auto r = problem(401, "this endpoint needs Authorization: Bearer TOKEN (daemon.token in the config)");
        r.www_authenticate = "Bearer realm=\"ocimirror\"";
        return r;
      }
      if (!token_matches(req.authorization, token)) return problem(403, "the bearer token is not the configured one");
    }
    switch (api.trigger(name)) {
      case trigger_result::started:
        return json(202, {{"policy", name}, {"status", "started"}});
      case trigger_result::running:
        return problem(409, "policy '" + name + "' is running; try again when it has finished");
      case trigger_result::unknown:
        return problem(404, "no policy named '" + name + "' in the configuration");
      case trigger_result::draining:
        return problem(503, "the daemon is shutting down and starts no new runs");
    }
  }
  return problem(404, "no such endpoint '" + path + "'; " + endpoints);
}

}  // namespace ocimirror::daemon
