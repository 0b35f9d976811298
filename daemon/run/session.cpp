#include "daemon/run/session.hpp"

#include "daemon/run/units.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <limits>

namespace ocimirror::daemon {
using transfer::errc;

int exit_code_for(errc e) {
  switch (e) {
    case errc::bad_reference:
      return exit_usage;
    case errc::not_found:
      return exit_not_found;
    case errc::unauthorized:
    case errc::denied:
      return exit_auth;
    case errc::network:
    case errc::tls:
    case errc::timeout:
      return exit_network;
    case errc::bad_digest:
    case errc::bad_manifest:
    case errc::bad_archive:
    case errc::digest_mismatch:
    case errc::too_large:
      return exit_integrity;
    default:
      return exit_failed;
  }
}

po::options_description network_flags::describe() {
  po::options_description d("Registry connection");
  d.add_options()("plain-http", po::bool_switch(&plain_http),
                  "talk plain HTTP to every registry (loopback test registries)")(
      "plain-http-host", po::value(&plain_http_hosts)->composing(),
      "talk plain HTTP to this HOST[:PORT] only (repeatable)")(
      "ca-file", po::value(&ca_files)->composing(),
      "trust the CAs in this PEM file as well as the system store (repeatable)")(
      "insecure", po::bool_switch(&insecure), "use TLS without verifying certificates (never in production)")(
      "insecure-host", po::value(&insecure_hosts)->composing(),
      "skip certificate verification for this HOST[:PORT] only")(
      "registry-profile", po::value(&profiles)->composing(),
      "HOST[:PORT]=NAME: treat this registry as the family NAME (ecr, acr, ghcr, dockerhub, gar, quay, harbor, "
      "artifactory, gitlab, generic) instead of the one its host implies (repeatable)");
  limits.describe(d);
  return d;
}

namespace {
/// A flag taking a duration ("30s", "2m", or bare seconds) into `out`, checked when the options are notified.
po::typed_value<std::string>* seconds_flag(const char* name, int& out) {
  return po::value<std::string>()->default_value(format_seconds(out))->notifier([name, &out](const std::string& v) {
    auto s = parse_seconds(v);
    if (!s || *s > std::numeric_limits<int>::max())
      throw po::error(std::string("--") + name + " '" + v + "' is not a duration (30s, 2m, 1h30m, or seconds)");
    out = static_cast<int>(*s);
  });
}
/// A flag taking a size ("8MiB", "512KiB", "1GB", or bytes) into `out`.
template <class T>
po::typed_value<std::string>* size_flag(const char* name, T& out) {
  return po::value<std::string>()->default_value(format_size(out))->notifier([name, &out](const std::string& v) {
    auto n = parse_size(v);
    if (!n || *n > std::numeric_limits<T>::max())
      throw po::error(std::string("--") + name + " '" + v + "' is not a size (8MiB, 512KiB, 1GB, or bytes)");
    out = static_cast<T>(*n);
  });
}
}  // namespace

void time_limits::describe(po::options_description& d) {
  d.add_options()("timeout", seconds_flag("timeout", timeout_seconds),
                  "how long any one network step (connect, TLS handshake, one read or write) may take")(
      "deadline", seconds_flag("deadline", deadline_seconds),
      "how long a whole request whose answer is small (manifest, tag list, token) may take, start to last byte (0: "
      "none)")("min-rate", size_flag("min-rate", min_rate),
               "bytes per second a response body must average over --min-rate-window of waiting, or it is given up "
               "and retried (0: none)")("min-rate-window", seconds_flag("min-rate-window", rate_window_seconds),
                                        "the waiting on a body over which --min-rate is judged");
}

void time_limits::check() const {
  if (timeout_seconds < 1) throw po::error("--timeout must be at least 1 second");
  if (deadline_seconds < 0) throw po::error("--deadline must be 0 (none) or a number of seconds");
  if (rate_window_seconds < 1) throw po::error("--min-rate-window must be at least 1 second");
}

transfer::http_options time_limits::http() const {
  check();
  transfer::http_options o;
  o.io_timeout = std::chrono::seconds(timeout_seconds);
  o.connect_timeout = std::min<std::chrono::milliseconds>(o.io_timeout, std::chrono::seconds(30));
  o.request_deadline = std::chrono::seconds(deadline_seconds);
  o.min_rate = min_rate;
  o.rate_window = std::chrono::seconds(rate_window_seconds);
  return o;
}

config::registry_settings_map network_flags::settings() const {
  config::registry_settings_map m;
  m.defaults.ca_files = ca_files;
  m.defaults.tls = plain_http ? config::tls_mode::disabled
                   : insecure ? config::tls_mode::insecure
                              : config::tls_mode::enabled;
  for (const auto& h : insecure_hosts) {
    auto& s = m.by_registry[h] = m.defaults;
    s.tls = config::tls_mode::insecure;
  }
  for (const auto& h : plain_http_hosts) {
    auto& s = m.by_registry[h] = m.defaults;
    s.tls = config::tls_mode::disabled;
  }
  for (const auto& p : profiles) {
    const auto eq = p.find('=');
    const std::string host = p.substr(0, eq), name = eq == std::string::npos ? "" : p.substr(eq + 1);
    if (host.empty() || !transfer::profile_named(name))
      throw po::error("--registry-profile '" + p + "' must be HOST[:PORT]=NAME with NAME one of: ecr, acr, ghcr, " +
                      "dockerhub, gar, quay, harbor, artifactory, gitlab, distribution, generic");
    auto [it, added] = m.by_registry.try_emplace(host, m.defaults);
    it->second.profile = name;
  }
  return m;
}

po::options_description transfer_flags::describe() {
  po::options_description d("Transfer");
  d.add_options()("monolithic-max", size_flag("monolithic-max", monolithic_max),
                  "blobs up to this size are uploaded in a single PUT")(
      "chunk-size", size_flag("chunk-size", chunk_size),
      "upload larger blobs in PATCH chunks of this size, e.g. 8MiB (0: one streamed PATCH; raised to the registry's "
      "OCI-Chunk-Min-Length)")("ranged-threshold", size_flag("ranged-threshold", ranged_threshold),
                               "blobs of at least this size are read with parallel ranged GETs (0: never)")(
      "ranged-parallel", po::value(&ranged_parallel)->default_value(ranged_parallel),
      "ranged GETs in flight per large blob")("part-size", size_flag("part-size", part_size),
                                              "the size of each ranged GET")(
      "ranged-memory", size_flag("ranged-memory", ranged_memory),
      "what all ranged reads of a run may buffer together; a large blob that does not fit is read by one GET (each "
      "ranged blob needs (ranged-parallel + 1) x part-size)");
  return d;
}

transfer::pipe_options transfer_flags::pipe() const {
  // A PATCH per few bytes would take a request per few bytes: registries want megabytes (ECR 5 MiB, GHCR <= 4 MiB).
  constexpr std::uint64_t min_chunk = 64u << 10;
  if (chunk_size != 0 && chunk_size < min_chunk)
    throw po::error("--chunk-size must be 0 (one streamed PATCH) or at least " + std::to_string(min_chunk) + " bytes");
  transfer::pipe_options p;
  p.upload.chunk_size = chunk_size;
  p.upload.monolithic_max = monolithic_max;
  p.ranged_threshold = ranged_threshold;
  p.ranged_parallel = std::max<std::size_t>(ranged_parallel, 1);
  p.part_size = std::max<std::uint64_t>(part_size, 64u << 10);
  p.ranged_budget = std::make_shared<std::uint64_t>(ranged_memory);
  return p;
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
      ecr_(http_, transfer::process_environment(), transfer::local_files()) {
  auth_.allow_plain_http(
      [this](std::string_view authority) { return settings_.get(authority).tls == config::tls_mode::disabled; });
  // ECR without a credential helper: its API's 12-hour password, from the AWS credential chain.
  auth_.refresh_with([this](const std::string& registry)
                         -> transfer::awaitable<std::optional<transfer::authenticator::timed_credentials>> {
    if (settings_.profile_for(registry).name != "ecr") co_return std::nullopt;
    auto token = co_await ecr_.authorization(registry);
    if (!token) co_return std::nullopt;
    co_return transfer::authenticator::timed_credentials{std::move(token->creds), token->expires};
  });
}

transfer::registry_client::package_lister session::github_lister(const std::string& registry) {
  return [this, registry](const std::string& owner) -> transfer::awaitable<std::vector<std::string>> {
    const char* api = std::getenv("GITHUB_API_URL");
    auto base = transfer::github_api_base(api ? api : "");
    if (!base) throw transfer::error(errc::bad_reference, base.error());
    // GITHUB_TOKEN (as Actions provides it), else the password configured for the registry (a PAT).
    std::string token;
    if (const char* t = std::getenv("GITHUB_TOKEN"); t && *t)
      token = t;
    else if (auto c = lookup_ ? lookup_(registry) : std::nullopt)
      token = c->password;
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
        return ecr_.create_repository(registry, repo, how);  // not a coroutine: nothing to hold across a suspension
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

namespace {
/// skopeo's other transports: what they are and what ocimirror reads instead.
std::optional<std::string> foreign_transport(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> known[] = {
      {"docker-archive:",
       "a `docker save` tarball, which ocimirror neither reads nor writes; use oci-archive:FILE.tar "
       "(an OCI archive) instead, converting with `skopeo copy docker-archive:FILE oci-archive:FILE.tar`"},
      {"docker-daemon:",
       "an image in a Docker daemon, which ocimirror does not reach; push it to a registry or "
       "`skopeo copy` it to oci:DIR first"},
      {"containers-storage:",
       "an image in podman/buildah local storage; `podman push` it or `skopeo copy` it to "
       "oci:DIR first"},
      {"dir:",
       "skopeo's dir: format, which ocimirror neither reads nor writes; use oci:DIR (an OCI image layout) instead"},
  };
  for (const auto& [prefix, what] : known)
    if (text.starts_with(prefix)) return std::string(prefix.substr(0, prefix.size() - 1)) + ": is " + std::string(what);
  return std::nullopt;
}
}  // namespace

std::optional<transfer::reference> reference_arg(const std::string& given, bool repository_only) {
  if (auto why = foreign_transport(given)) {
    print_error("'" + given + "': " + *why);
    return std::nullopt;
  }
  // docker://HOST/REPO:TAG is skopeo's spelling of a registry reference, oci://HOST/REPO helm's.
  const std::string text = given.starts_with("docker://") ? given.substr(9)
                           : given.starts_with("oci://")  ? given.substr(6)
                                                          : given;
  auto r = repository_only ? transfer::parse_repository(text) : transfer::parse_reference(text);
  if (!r) {
    print_error("invalid reference '" + given + "': " + r.error().what);
    return std::nullopt;
  }
  return *r;
}

void print_error(const std::string& what) { std::cerr << "ocimirror: error: " << what << std::endl; }

}  // namespace ocimirror::daemon
