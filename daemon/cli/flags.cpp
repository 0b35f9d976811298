// The flags every command that talks to registries shares: connection (TLS, CAs, profiles), time limits and
// transfer tuning, each taking units ("30s", "8MiB") and checked when parsed.
#include "daemon/cli/flags.hpp"

#include "daemon/cli/units.hpp"
#include "transfer/registry/credentials.hpp"

#include <limits>

namespace ocimirror::daemon {

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
  describe_limits(d, limits);
  return d;
}

namespace {
/// A flag written with units: shown as `format` writes its default, read by `parse` into `out` when the options are
/// notified; a value that does not parse or does not fit T is refused, saying it is not `what`.
template <class T, class Value>
po::typed_value<std::string>* unit_flag(const char* name, T& out, std::optional<Value> (*parse)(std::string_view),
                                        std::string shown, const char* what) {
  return po::value<std::string>()->default_value(shown)->notifier([name, &out, parse, what](const std::string& v) {
    auto n = parse(v);
    if (!n || *n > static_cast<Value>(std::numeric_limits<T>::max()))
      throw po::error(std::string("--") + name + " '" + v + "' is not " + what);
    out = static_cast<T>(*n);
  });
}
/// A duration ("30s", "2m", or bare seconds).
po::typed_value<std::string>* seconds_flag(const char* name, int& out) {
  return unit_flag(name, out, parse_seconds, format_seconds(out), "a duration (30s, 2m, 1h30m, or seconds)");
}
/// A size ("8MiB", "512KiB", "1GB", or bytes).
template <class T>
po::typed_value<std::string>* size_flag(const char* name, T& out) {
  return unit_flag(name, out, parse_size, format_size(out), "a size (8MiB, 512KiB, 1GB, or bytes)");
}
}  // namespace

po::typed_value<std::string>* size_option(const char* name, std::uint64_t& out) { return size_flag(name, out); }

void describe_limits(po::options_description& d, time_limits& limits) {
  d.add_options()("timeout", seconds_flag("timeout", limits.timeout_seconds),
                  "how long any one network step (connect, TLS handshake, one read or write) may take")(
      "deadline", seconds_flag("deadline", limits.deadline_seconds),
      "how long a whole request whose answer is small (manifest, tag list, token) may take, start to last byte (0: "
      "none)")("min-rate", size_flag("min-rate", limits.min_rate),
               "bytes per second a response body must average over --min-rate-window of waiting, or it is given up "
               "and retried (0: none)")("min-rate-window", seconds_flag("min-rate-window", limits.rate_window_seconds),
                                        "the waiting on a body over which --min-rate is judged")(
      "credential-helper-timeout", seconds_flag("credential-helper-timeout", limits.helper_timeout_seconds),
      "how long a docker-credential-* helper may run before it is killed and its lookup fails (it runs off the "
      "event loop; its output is capped at 1 MiB)");
}

void check_limits(const time_limits& limits) {
  if (auto why = limits.problem(); !why.empty()) throw po::error(why);
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

}  // namespace ocimirror::daemon
