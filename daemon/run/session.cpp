#include "daemon/run/session.hpp"

#include "transfer/oci/outside.hpp"
#include "transfer/registry/credentials.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>

namespace ocimirror::daemon {
using transfer::errc;

std::string time_limits::problem() const {
  if (timeout_seconds < 1) return "--timeout must be at least 1 second";
  if (deadline_seconds < 0) return "--deadline must be 0 (none) or a number of seconds";
  if (rate_window_seconds < 1) return "--min-rate-window must be at least 1 second";
  if (helper_timeout_seconds < 1) return "--credential-helper-timeout must be at least 1 second";
  return {};
}

transfer::http_options time_limits::http() const {
  if (auto why = problem(); !why.empty()) throw transfer::error(errc::bad_reference, why);
  transfer::http_options o;
  o.io_timeout = std::chrono::seconds(timeout_seconds);
  o.connect_timeout = std::min<std::chrono::milliseconds>(o.io_timeout, std::chrono::seconds(30));
  o.request_deadline = std::chrono::seconds(deadline_seconds);
  o.min_rate = min_rate;
  o.rate_window = std::chrono::seconds(rate_window_seconds);
  // Helpers are the process's (a docker config is too): set here, where every command's limits take effect.
  transfer::set_credential_helper_limits(std::chrono::seconds(helper_timeout_seconds));
  return o;
}

namespace {
/// HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case); a proxy URL that does not parse stops here, named.
transfer::proxy_settings environment_proxies() {
  auto s = transfer::proxy_settings::from_environment([](const char* name) { return std::getenv(name); });
  if (!s) throw transfer::error(errc::network, s.error() + "; fix or unset it");
  return *s;
}

transfer::http_options http_options_for(const time_limits& limits, const config::registry_settings_map* settings,
                                        transfer::stopper* stop) {
  auto o = limits.http();
  o.stop = stop;
  o.hints = transfer::advice_from_environment(settings->from_file);
  o.tls_for = [settings](std::string_view authority) { return settings->tls_for(authority); };
  o.proxy_for = [settings, env = environment_proxies()](std::string_view authority, std::string_view host,
                                                        std::string_view port, bool tls) {
    return settings->proxy_for(authority, host, port, tls, env);
  };
  return o;
}
}  // namespace

session::session(config::registry_settings_map settings, const time_limits& limits,
                 transfer::authenticator::credential_lookup lookup)
    : session(*new boost::asio::io_context, std::move(settings), limits, std::move(lookup)) {
  owned_io_.reset(&io_);
}

session::session(boost::asio::io_context& io, config::registry_settings_map settings, const time_limits& limits,
                 transfer::authenticator::credential_lookup lookup, transfer::stopper* stop)
    : io_(io),
      settings_(std::move(settings)),
      http_(io_.get_executor(), http_options_for(limits, &settings_, stop)),
      lookup_(
          lookup ? std::move(lookup)
                 : [](const std::string&
                          registry) { return transfer::docker_credentials(registry, transfer::docker_config_path()); }),
      auth_(http_, lookup_),
      clouds_(io_.get_executor(), http_, http_.options(), transfer::process_environment(), transfer::local_files()) {
  auth_.allow_plain_http(
      [this](std::string_view authority) { return settings_.get(authority).tls == config::tls_mode::disabled; });
  // ECR, ACR, Artifact Registry and ghcr.io without a stored password: their cloud's identity (or a GitHub App).
  auth_.refresh_with([this](const std::string& registry, bool refused)
                         -> transfer::awaitable<std::optional<transfer::authenticator::timed_credentials>> {
    const bool plain = settings_.get(registry).tls == config::tls_mode::disabled;
    const std::string origin = (plain ? "http://" : "https://") + registry;  // a named local: the coroutine keeps it
    const std::string profile(settings_.profile_for(registry).name);
    co_return co_await clouds_.for_registry(registry, profile, origin, refused);
  });
}

transfer::registry_client::package_lister session::github_lister(const std::string& registry) {
  return [this, registry](const std::string& owner) -> transfer::awaitable<std::vector<std::string>> {
    const char* api = std::getenv("GITHUB_API_URL");
    auto base = transfer::github_api_base(api ? api : "");
    if (!base) throw transfer::error(errc::bad_reference, base.error());
    // A GitHub App's installation token, else GITHUB_TOKEN (as Actions provides it), else the password configured
    // for the registry (a PAT).
    std::string token, from = "GITHUB_TOKEN";
    if (clouds_.github().configured()) {
      auto app = co_await clouds_.github().token();
      token = app ? app->value : std::string();
      from = "the GitHub App's installation token";
    } else if (const char* t = std::getenv("GITHUB_TOKEN"); t && *t) {
      token = t;
    } else {
      auto c = co_await auth_.credentials_of(registry);
      if (c) token = c->password;
      from = "the password configured for " + registry;
    }
    transfer::check_header_value(token, from);  // it goes as "Bearer TOKEN" to the GitHub API
    co_return co_await transfer::list_github_packages(http_, *base, owner, token, settings_.get(registry).listing);
  };
}

std::map<std::string, std::size_t> session::working_limits() const {
  std::map<std::string, std::size_t> out;
  for (const auto& [name, c] : clients_) out[name] = c->working_limit();
  return out;
}

transfer::registry_client& session::client(const transfer::reference& ref) {
  auto& slot = clients_[ref.registry];
  if (!slot) {
    const bool plain = settings_.get(ref.registry).tls == config::tls_mode::disabled;
    slot = std::make_unique<transfer::registry_client>(http_, auth_, ref.registry, ref.api_host(), plain,
                                                       settings_.get(ref.registry).max_concurrency);
    slot->set_profile(settings_.profile_for(ref.registry));
    slot->observe(observer_);
    slot->observe_waits(wait_observer_);
    if (!slot->profile().catalog && slot->profile().name == "ghcr")
      slot->list_packages_with(github_lister(ref.registry));
    if (const auto& rs = settings_.get(ref.registry); rs.create_repositories)
      slot->create_missing_with([this, registry = ref.registry, how = rs.new_repositories](const std::string& repo) {
        return clouds_.ecr().create_repository(registry, repo,
                                               how);  // not a coroutine: nothing to hold across a suspension
      });
    slot->limit_listings(settings_.get(ref.registry).listing);
  }
  return *slot;
}

void session::run(std::function<transfer::awaitable<void>()> work) {
  std::exception_ptr failure;
  boost::asio::co_spawn(io_, work(), [&](std::exception_ptr e) { failure = e; });
  io_.run();
  io_.restart();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace ocimirror::daemon
