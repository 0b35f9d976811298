#pragma once
// A proxy in front of the real distribution registry that behaves like one registry family: the status codes,
// headers, limits and missing endpoints ECR, ACR, GHCR, Docker Hub, GAR, Quay, Harbor, Artifactory and GitLab are
// documented to have (each quirk cites its public source in profile_proxy.cpp; ../shared/REGISTRIES.md collects
// them). Everything else is forwarded unchanged. It counts each quirk it exercised and each request it refused, so a
// test can show the quirk happened and that nothing it refused was sent again and again.
#include "tests/support/fault_proxy.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace ocimirror::testing {

struct rate_window {
  unsigned limit = 0;                   ///< manifest GETs per window; 0: no rate limit
  std::chrono::milliseconds window{0};  ///< refilled continuously at limit per window
};

class profile_proxy {
 public:
  using request = loopback_server::request;
  using response = loopback_server::response;

  /// family: "ecr", "acr", "ghcr", "dockerhub", "gar", "quay", "harbor", "artifactory", "gitlab".
  profile_proxy(std::string family, std::string upstream_host, std::string upstream_port, rate_window rate = {});
  std::string host() const { return proxy_->host(); }

  /// ECR: pushes to a repository are refused (404 NAME_UNKNOWN) until create_repository() names it.
  void require_repositories() { require_repositories_ = true; }
  void create_repository(const std::string& repo);
  /// How often the quirk `name` was exercised ("tag_invalid", "413", ...); see profile_proxy.cpp.
  std::size_t hits(const std::string& name) const;
  /// Requests answered with an error the real registry would give (a refusal), in all.
  std::size_t refused() const;
  /// "413=2 tag_invalid=1 ...": every quirk exercised, for failure messages.
  std::string summary() const;

 private:
  std::optional<response> rule(const request& req);
  void rewrite(const request& req, response& res);
  std::optional<response> ecr(const request& req);
  std::optional<response> acr(const request& req);
  std::optional<response> ghcr(const request& req);
  std::optional<response> dockerhub(const request& req);
  std::optional<response> gar(const request& req);
  std::optional<response> quay(const request& req);
  std::optional<response> harbor(const request& req);
  std::optional<response> artifactory(const request& req);
  std::optional<response> gitlab(const request& req);
  response refuse(const std::string& quirk, unsigned status, const std::string& code, const std::string& message);
  response forward(request req);
  /// A blob the manifest names whose upload into `repo` was committed less than the validator's lag ago (ECR).
  std::optional<std::string> just_committed(const std::string& repo, const std::string& manifest) const;
  void hit(const std::string& quirk);

  std::string family_, upstream_host_, upstream_port_;
  rate_window rate_;
  mutable std::mutex mutex_;
  std::map<std::string, std::size_t> hits_;
  std::size_t refused_ = 0;
  /// "repository@digest" -> when the blob's PUT landed there. Per repository: ECR's validator checks the layer in the
  /// repository the manifest goes to, so another repository's upload of a shared layer does not restart its lag.
  std::map<std::string, std::chrono::steady_clock::time_point> committed_;
  bool require_repositories_ = false;
  std::set<std::string> repositories_;
  double tokens_ = 0;
  std::chrono::steady_clock::time_point refilled_ = std::chrono::steady_clock::now();
  std::unique_ptr<fault_proxy> proxy_;  // last: its thread calls the members above
};

}  // namespace ocimirror::testing
