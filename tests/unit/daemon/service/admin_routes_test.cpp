#include "daemon/service/admin_routes.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

using namespace ocimirror::daemon;

namespace {
struct fake_daemon final : admin_api {
  std::string tok;
  bool running = false, draining = false;
  std::vector<std::string> triggered;
  std::string metrics_text() override { return "ocimirror_up 1\n"; }
  std::optional<std::string> not_ready() override {
    return draining ? std::optional<std::string>("shutting down") : std::nullopt;
  }
  boost::json::object status() override { return {{"policies", boost::json::array{}}}; }
  trigger_result trigger(const std::string& p) override {
    if (draining) return trigger_result::draining;
    if (p != "nightly") return trigger_result::unknown;
    if (running) return trigger_result::running;
    triggered.push_back(p);
    running = true;
    return trigger_result::started;
  }
  std::string token() override { return tok; }
};
admin_response call(admin_api& api, std::string method, std::string target, std::string auth = {}) {
  return route({std::move(method), std::move(target), std::move(auth)}, api);
}
}  // namespace

TEST(AdminRoutes, HealthReadinessMetricsStatus) {
  fake_daemon d;
  EXPECT_EQ(call(d, "GET", "/healthz").status, 200u);
  EXPECT_EQ(call(d, "GET", "/readyz").status, 200u);
  auto m = call(d, "GET", "/metrics?x=1");
  EXPECT_EQ(m.status, 200u);
  EXPECT_EQ(m.body, "ocimirror_up 1\n");
  EXPECT_EQ(m.content_type, "text/plain; version=0.0.4; charset=utf-8");
  auto s = call(d, "GET", "/v1/status");
  EXPECT_EQ(s.status, 200u);
  EXPECT_TRUE(boost::json::parse(s.body).as_object().contains("policies"));
  d.draining = true;
  auto r = call(d, "GET", "/readyz");
  EXPECT_EQ(r.status, 503u);
  EXPECT_NE(r.body.find("shutting down"), std::string::npos);
}

TEST(AdminRoutes, TriggerStartsThenConflictsWhileRunning) {
  fake_daemon d;
  EXPECT_EQ(call(d, "POST", "/v1/policies/nightly/run").status, 202u);
  auto again = call(d, "POST", "/v1/policies/nightly/run");
  EXPECT_EQ(again.status, 409u);
  EXPECT_NE(again.body.find("is running"), std::string::npos);
  EXPECT_EQ(call(d, "POST", "/v1/policies/other/run").status, 404u);
  EXPECT_EQ(d.triggered.size(), 1u);
  d.draining = true;
  EXPECT_EQ(call(d, "POST", "/v1/policies/nightly/run").status, 503u);
}

TEST(AdminRoutes, BearerTokenGuardsTriggersOnly) {
  fake_daemon d;
  d.tok = "0123456789abcdef";
  auto none = call(d, "POST", "/v1/policies/nightly/run");
  EXPECT_EQ(none.status, 401u);
  EXPECT_EQ(none.www_authenticate, "Bearer realm=\"ocimirror\"");
  EXPECT_EQ(call(d, "POST", "/v1/policies/nightly/run", "Bearer 0123456789abcdeX").status, 403u);
  EXPECT_EQ(call(d, "POST", "/v1/policies/nightly/run", "Basic 0123456789abcdef").status, 403u);
  EXPECT_EQ(call(d, "POST", "/v1/policies/nightly/run", "Bearer 0123456789abcdef0").status, 403u);
  auto wrong = call(d, "POST", "/v1/policies/nightly/run", "Bearer nope");
  EXPECT_EQ(wrong.body.find("0123456789abcdef"), std::string::npos) << "never echo the token";
  EXPECT_TRUE(d.triggered.empty());
  EXPECT_EQ(call(d, "POST", "/v1/policies/nightly/run", "Bearer 0123456789abcdef").status, 202u);
  EXPECT_EQ(call(d, "GET", "/v1/status").status, 200u);  // reads stay open for probes and dashboards
}

TEST(AdminRoutes, WrongMethodsAndUnknownPaths) {
  fake_daemon d;
  auto post = call(d, "POST", "/metrics");
  EXPECT_EQ(post.status, 405u);
  EXPECT_EQ(post.allow, "GET");
  EXPECT_EQ(call(d, "GET", "/v1/policies/nightly/run").allow, "POST");
  auto lost = call(d, "GET", "/v2/");
  EXPECT_EQ(lost.status, 404u);
  EXPECT_NE(lost.body.find("/v1/status"), std::string::npos) << "a 404 lists the endpoints";
  EXPECT_EQ(call(d, "POST", "/v1/policies//run").status, 404u);
  EXPECT_EQ(call(d, "HEAD", "/healthz").status, 200u);
}
