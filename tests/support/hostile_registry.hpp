#pragma once
// A registry an attacker controls, for tests: a small fake of the distribution API on loopback whose repositories
// each carry one attack a mirror must survive.
//   GET /v2/_catalog                 names that climb out ("x/../prod/web") beside a valid one ("ok/app")
//   loop/self     tags/list          a Link that points back at the page itself
//   loop/endless  tags/list          one new tag per page, forever
//   loop/repeat   tags/list          the same 1,000 tags on every page, each page linking to a "new" one, forever
//   names/escape  tags/list          "v1" and "../../victim"
//   deep/chain    manifests/v1       an index of an index of ... 40 levels deep
//   inject/app    manifests/v1       500 whose error message carries a newline, a forged log line and ANSI escapes
//   slow/app      manifests/v1       a 48 KiB manifest dripped at ~320 bytes/s
// With realm_host set, every /v2/ request is challenged with Bearer realm="http://REALM_HOST:PORT/token": the
// token endpoint (on this same server) records whether credentials arrived.
#include "tests/support/loopback_server.hpp"

#include <atomic>
#include <string>

namespace ocimirror::testing {

class hostile_registry {
 public:
  /// realm_host: "" for no auth; else the host name the token realm names ("localhost" to differ from 127.0.0.1).
  explicit hostile_registry(std::string realm_host = {});
  std::string host() const { return server_.host(); }
  std::size_t requests() const { return requests_; }
  /// Token requests that carried an Authorization header (credentials sent to the http:// realm).
  std::size_t token_requests_with_credentials() const { return credentials_seen_; }

 private:
  loopback_server::response handle(const loopback_server::request& req);
  std::string realm_host_;
  std::atomic<std::size_t> requests_{0}, credentials_seen_{0};
  loopback_server server_;  // last: its thread calls handle
};

}  // namespace ocimirror::testing
