// `ocimirror sync --config FILE`
#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_args.hpp"
#include "daemon/cli/sync_output.hpp"
#include "daemon/run/sync_run.hpp"
#include "transfer/endpoint/layout.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

namespace ocimirror::daemon {
namespace asio = boost::asio;

namespace {

constexpr const char* sync_help = R"(Usage: ocimirror sync --config FILE [--policy NAME]... [--dry-run] [OPTIONS]

Runs the mirror policies of FILE once: lists each source (the catalog when a policy names no repositories), selects
repositories and tags, compares with the destination and with what earlier runs recorded in state_dir, then copies
what is new or changed, many tags at once, and (with `prune: true`) deletes destination tags the policy mirrored
that have left the source. Every copy is digest-exact and child-first.

--dry-run prints the plan (copy, overwrite, unchanged, kept, prune per tag) and changes nothing anywhere.

The cache (RocksDB in state_dir/cache) makes a repeat run cheap: a tag whose source digest is what this policy
last pushed costs one HEAD at the source and nothing at the destination, and blobs the mirror has written anywhere
on a destination are mounted instead of copied. The cache is never trusted into a broken destination: --verify
checks every selected tag at the destination down to its blobs and pushes whatever is missing (run it after
someone deleted or garbage-collected things behind the mirror's back). A damaged cache is moved aside and rebuilt.

What refers to a mirrored tag travels with it: its referrers (the OCI referrers API, else the `sha256-<hex>` fallback
tag, maintained at the destination) and cosign's `.sig/.att/.sbom` tags (`referrers: false` to leave them). A policy
with `verify: {cosign_public_key: FILE}` mirrors only tags whose cosign signature verifies with that key; the
others are listed with their reason.

Layouts: a policy's `from:` or `to:` may be oci:DIR or oci-archive:FILE.tar. An archive destination is an air-gap
bundle: written anew each run under FILE.partial and renamed only when every tag made it; --since FILE (a previous
bundle, or the digest list `ocimirror inventory` printed on the far side; repeatable) leaves out the blobs the far
side has, keeping every manifest. An archive source is an import: every blob's digest and every graph's
completeness (blobs missing from an incremental bundle must already be at the destination) are checked before
anything is pushed.

--shard I/N splits the work across N replicas with no coordination: each handles the source repositories whose
xxh3 hash mod N is I (give each replica its own state_dir), so every repository is mirrored by exactly one.

Exit codes: 0 everything done; 1 some tags failed (all others completed; each failure is named); 2 the
configuration or the arguments are wrong (nothing was done).

Examples:
  ocimirror sync --config /etc/ocimirror/config.yaml
  ocimirror sync --config mirror.yaml --policy ghcr-to-internal --dry-run
  ocimirror sync --config mirror.yaml --output json | jq '.policies[].tags'
  ocimirror sync --config export.yaml --since bundle-0001.tar --since have.txt   # incremental bundle
)";

}  // namespace

int cmd_sync(const args& a) {
  std::string file, output = "text";
  std::vector<std::string> names;
  bool dry_run = false, quiet = false, verify = false;
  std::vector<std::string> since_files;
  policy_run_flags runs;
  transfer_flags xfer;
  po::options_description opts("Sync");
  opts.add_options()("help,h", "show this help")("config,c", po::value(&file), "the mirror configuration (YAML)")(
      "policy,p", po::value(&names)->composing(), "run only this policy (repeatable; default: all)")(
      "dry-run,n", po::bool_switch(&dry_run), "print the plan, change nothing")(
      "verify", po::bool_switch(&verify),
      "check every tag at the destination down to its blobs; repair what is missing")(
      "since", po::value(&since_files)->composing(),
      "archive destinations: leave out blobs in this earlier bundle or digest list (repeatable)")(
      "output,o", po::value(&output), "text (default) or json")("quiet,q", po::bool_switch(&quiet),
                                                                "no progress display");
  opts.add(runs.describe()).add(xfer.describe());
  bool json = false;
  return guarded(json, [&]() -> int {
    if (parse_or_help(a, opts, sync_help, output, json)) return exit_ok;
    if (file.empty()) throw po::error("sync needs --config FILE");
    runs.apply_log_level();
    auto cfg = load_or_report(file, json);
    if (!cfg) return exit_usage;
    if (!runs.state_dir.empty()) cfg->state_dir = runs.state_dir;
    const auto shard = shard_arg(runs.shard_text);
    std::vector<const config::policy_config*> chosen;
    for (const auto& n : names) {
      const auto* p = cfg->find(n);
      if (!p) throw po::error("no policy named '" + n + "' in " + file + " (it has: " + policy_names(*cfg) + ")");
      chosen.push_back(p);
    }
    if (names.empty())
      for (const auto& p : cfg->policies) chosen.push_back(&p);
    std::set<std::string> since;
    for (const auto& f : since_files) since.merge(transfer::read_since(f));

    session s(cfg->registries, runs.limits, credentials_of(*cfg));
    const bool show = !quiet && !json && stderr_is_tty();
    std::string warning;
    cache::mirror_cache cache(cache::store::open(
        cfg->state_dir, dry_run ? cache::store::mode::read_only : cache::store::mode::read_write, warning));
    std::vector<policy_report> reports;
    for (const auto* p : chosen) {
      transfer::copy_progress progress;
      run_options ro;
      ro.dry_run = dry_run;
      ro.verify = verify;
      ro.shard = shard;
      // max_concurrency of either registry caps how many tags of this policy move at once.
      ro.parallel_tags = tags_at_once(runs.jobs, cfg->registries, *p);
      ro.parallel_blobs = std::max<std::size_t>(runs.blob_jobs, 1);
      ro.progress = &progress;
      ro.pipe = xfer.pipe();
      ro.since = &since;
      if (show) std::cerr << "policy " << p->name << ": " << p->from.str() << " -> " << p->to.str() << "\n";
      s.run([&]() -> transfer::awaitable<void> {
        bool done = false;
        asio::steady_timer timer(s.io());
        if (show && !dry_run) asio::co_spawn(s.io(), show_progress(progress, done, timer), asio::detached);
        reports.push_back(co_await run_policy(s, *p, cache, ro));
        done = true;
        timer.cancel();
      });
      if (!warning.empty()) reports.back().warnings.insert(reports.back().warnings.begin(), std::exchange(warning, {}));
      if (!json) print_report_text(reports.back(), dry_run, std::cout, std::cerr);
    }
    bool failed = false;
    for (const auto& r : reports) failed |= !r.failures.empty();
    const int code = failed ? exit_failed : exit_ok;
    if (json) std::cout << boost::json::serialize(reports_json(reports, dry_run, code)) << "\n";
    return code;
  });
}

}  // namespace ocimirror::daemon
