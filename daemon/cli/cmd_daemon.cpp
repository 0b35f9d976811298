// `ocimirror daemon --config FILE`
#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/service/log.hpp"
#include "daemon/service/service.hpp"

#include <filesystem>
#include <iostream>

namespace ocimirror::daemon {

namespace {
constexpr const char* daemon_help = R"(Usage: ocimirror daemon --config FILE [OPTIONS]

Runs every policy of FILE on its schedule (`schedule: {every: 15m}` or `{cron: "0 */6 * * *"}`, UTC, plus a small
jitter; `at_start: true` also runs it at start) until stopped. A policy never overlaps itself; all policies share
one engine, so registries' max_concurrency limits hold across them. Policies without a schedule run only when
triggered through the admin API.

Admin API (daemon.listen in FILE, default 127.0.0.1:9469; keep it on loopback or behind a network policy):
  GET  /healthz                 alive
  GET  /readyz                  configuration loaded, cache open, not shutting down
  GET  /metrics                 Prometheus text (ocimirror_* metrics)
  GET  /v1/status               JSON per policy: last run, counts, bytes, last error, next run
  POST /v1/policies/NAME/run    run now (202; 409 while it runs); needs `Authorization: Bearer TOKEN` when
                                daemon.token is set

Signals: SIGHUP reloads FILE (validated whole; a bad file is logged and the running configuration stays);
SIGTERM or SIGINT drains: no new runs or tags, transfers in flight get daemon.drain_timeout (default 30s), then
exit 0. The next start resumes where it stopped (finished tags are in the cache; chunked uploads continue).
Under systemd (Type=notify) it reports READY=1, RELOADING=1, STOPPING=1 and WATCHDOG=1.

Logs go to stderr: readable text, or one JSON object per line with --log-format json; one line per policy run
with its summary. Run state survives restarts in state_dir (cache and daemon-status.json).

Exit codes: 0 stopped by a signal; 1 it could not start for a reason a restart may cure (the cache is held by
another process, the address is in use); 2 the configuration or the arguments are refused (problems in the file,
a bad --listen, a non-loopback listen without daemon.token): systemd's RestartPreventExitStatus=2 stops there.

Examples:
  ocimirror daemon --config /etc/ocimirror/config.yaml
  ocimirror daemon --config mirror.yaml --log-format json --listen 0.0.0.0:9469 --shard auto/3
  curl -s localhost:9469/v1/status | jq '.policies[] | {name, lastRun}'
  curl -X POST -H "Authorization: Bearer $TOKEN" localhost:9469/v1/policies/ghcr-to-internal/run
)";
}  // namespace

int cmd_daemon(const args& a) {
  std::string file, listen;
  daemon_options o;
  policy_run_flags runs;
  transfer_flags xfer;
  po::options_description opts("Daemon");
  opts.add_options()("help,h", "show this help")("config,c", po::value(&file),
                                                 "the mirror configuration (YAML); reloaded on SIGHUP")(
      "listen", po::value(&listen), "HOST:PORT of the admin API; overrides daemon.listen (port 0: any free port)")(
      "allow-unauthenticated", po::bool_switch(&o.allow_unauthenticated),
      "serve the admin API on a non-loopback address without daemon.token (only behind a network policy that admits "
      "just the scraper)");
  opts.add(runs.describe()).add(xfer.describe());
  bool json = false;
  const std::string output = "text";
  return guarded(json, [&]() -> int {
    if (parse_or_help(a, opts, daemon_help, output, json)) return exit_ok;
    if (file.empty()) throw po::error("daemon needs --config FILE");
    if (!listen.empty()) {
      if (auto l = config::parse_listen(listen); !l) throw po::error("--listen " + l.error());
      o.listen = listen;
    }
    o.shard = shard_arg(runs.shard_text);
    auto loaded = config::load_config_file(file);
    if (!loaded.config) {
      for (const auto& d : loaded.errors) log::error(d.str());
      log::error("the configuration has " + std::to_string(loaded.errors.size()) + " problem(s); not started",
                 {{"config", file}});
      return exit_usage;
    }
    o.config_file = file;
    if (!runs.state_dir.empty()) o.state_dir = std::filesystem::absolute(runs.state_dir).lexically_normal().string();
    o.jobs = runs.jobs;
    o.blob_jobs = std::max<std::size_t>(runs.blob_jobs, 1);
    o.limits = runs.limits;
    o.pipe = xfer.pipe();
    boost::asio::io_context io;
    service s(io, std::move(o), std::move(*loaded.config));
    try {
      return s.run();
    } catch (const refusal& e) {
      log::error(std::string("not started: ") + e.what(), {{"config", file}});
      log::flush();
      std::_Exit(exit_usage);  // as above; exit 2 stops systemd's restarts (RestartPreventExitStatus=2)
    } catch (const std::exception& e) {
      log::error(std::string("cannot start: ") + e.what(), {{"config", file}});
      log::flush();
      std::_Exit(exit_failed);  // the cache may be open: end without unwinding what the loop references
    }
  });
}

}  // namespace ocimirror::daemon
