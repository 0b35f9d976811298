#include "tests/support/profile_proxy.hpp"

#include <boost/json.hpp>

#include <regex>

namespace ocimirror::testing {
namespace http = boost::beast::http;
using clock = std::chrono::steady_clock;

profile_proxy::profile_proxy(std::string family, std::string upstream_host, std::string upstream_port, rate_window rate)
    : family_(std::move(family)),
      upstream_host_(std::move(upstream_host)),
      upstream_port_(std::move(upstream_port)),
      rate_(rate),
      tokens_(rate.limit) {
  proxy_ = std::make_unique<fault_proxy>(
      upstream_host_, upstream_port_, [this](const request& req) { return rule(req); },
      [this](const request& req, response& res) { rewrite(req, res); });
}

std::size_t profile_proxy::hits(const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = hits_.find(name);
  return it == hits_.end() ? 0 : it->second;
}

std::size_t profile_proxy::refused() const {
  std::lock_guard lock(mutex_);
  return refused_;
}

std::string profile_proxy::summary() const {
  std::lock_guard lock(mutex_);
  std::string s;
  for (const auto& [k, v] : hits_) s += (s.empty() ? "" : " ") + k + "=" + std::to_string(v);
  return s.empty() ? "(no quirk exercised)" : s;
}

void profile_proxy::hit(const std::string& quirk) {
  std::lock_guard lock(mutex_);
  ++hits_[quirk];
}

profile_proxy::response profile_proxy::refuse(const std::string& quirk, unsigned status, const std::string& code,
                                              const std::string& message) {
  {
    std::lock_guard lock(mutex_);
    ++hits_[quirk];
    ++refused_;
  }
  response res{static_cast<http::status>(status), 11};
  res.set(http::field::content_type, "application/json");
  boost::json::object err{{"code", code}, {"message", message}};
  res.body() = boost::json::serialize(boost::json::object{{"errors", boost::json::array{err}}});
  return res;
}

profile_proxy::response profile_proxy::forward(request req) {
  return forward_request(upstream_host_, upstream_port_, req);
}

std::optional<profile_proxy::response> profile_proxy::rule(const request& req) {
  if (family_ == "ecr") return ecr(req);
  if (family_ == "acr") return acr(req);
  if (family_ == "ghcr") return ghcr(req);
  if (family_ == "dockerhub") return dockerhub(req);
  if (family_ == "gar") return gar(req);
  if (family_ == "quay") return quay(req);
  if (family_ == "harbor") return harbor(req);
  if (family_ == "artifactory") return artifactory(req);
  if (family_ == "gitlab") return gitlab(req);
  return std::nullopt;
}

std::optional<std::string> profile_proxy::just_committed(const std::string& repo, const std::string& manifest) const {
  static const std::regex digest_re("sha256:[0-9a-f]{64}");
  std::lock_guard lock(mutex_);
  for (std::sregex_iterator it(manifest.begin(), manifest.end(), digest_re), end; it != end; ++it)
    if (auto c = committed_.find(repo + "@" + it->str());
        c != committed_.end() && clock::now() - c->second < std::chrono::milliseconds(400))
      return it->str();
  return std::nullopt;
}

void profile_proxy::create_repository(const std::string& repo) {
  std::lock_guard lock(mutex_);
  repositories_.insert(repo);
}

}  // namespace ocimirror::testing
