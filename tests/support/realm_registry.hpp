#pragma once
// A registry whose token realm is the attack, for tests of what ocimirror takes from a token service (issue 33).
// It challenges every request with a Bearer realm chosen by repository:
//   helper/app   realm on this server, a valid token (credentials come from a credential helper)
//   inject/app   realm on this server, which answers the token "T\r\nX-Injected: yes"
//   admin/app    realm = the URL set with admin_realm (the daemon's own admin API)
//   big/app      realm on this server, which answers a 3 MiB token
//   file/app     realm = file:///etc/passwd
#include "tests/support/loopback_server.hpp"

#include <atomic>
#include <mutex>
#include <string>

namespace ocimirror::testing {

class realm_registry {
 public:
  realm_registry() : server_([this](loopback_server::request& req) { return handle(req); }) {}
  std::string host() const { return server_.host(); }
  void admin_realm(std::string url) {
    std::lock_guard l(m_);
    admin_realm_ = std::move(url);
  }
  /// Whether any request carried the header the injecting token tries to add.
  bool saw_injected() const { return injected_; }

 private:
  loopback_server::response handle(loopback_server::request& req);
  std::mutex m_;
  std::string admin_realm_;
  std::atomic<bool> injected_{false};
  loopback_server server_;  // last: its thread calls handle
};

}  // namespace ocimirror::testing
