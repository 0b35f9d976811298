#pragma once
// The admin API's routing, apart from sockets so it is tested as a plain function: GET /healthz, /readyz, /metrics,
// /v1/status and POST /v1/policies/{name}/run (bearer token when one is configured).
#include <boost/json/object.hpp>

#include <optional>
#include <string>

namespace ocimirror::daemon {

struct admin_request {
  std::string method;         ///< "GET", "POST", ...
  std::string target;         ///< "/v1/status?x=y" (the query is ignored)
  std::string authorization;  ///< the Authorization header, if any
};

struct admin_response {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::string allow;             ///< for 405
  std::string www_authenticate;  ///< for 401
};

enum class trigger_result { started, running, unknown, draining };

/// What the routes ask of the daemon.
class admin_api {
 public:
  virtual ~admin_api() = default;
  virtual std::string metrics_text() = 0;
  /// Why the daemon is not ready (no config, cache not open, draining); nullopt when it is.
  virtual std::optional<std::string> not_ready() = 0;
  virtual boost::json::object status() = 0;
  virtual trigger_result trigger(const std::string& policy) = 0;
  /// The bearer token POSTs need; empty: none.
  virtual std::string token() = 0;
};

admin_response route(const admin_request& req, admin_api& api);

}  // namespace ocimirror::daemon
