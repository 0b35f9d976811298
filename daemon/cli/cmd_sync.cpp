// `ocimirror sync --config FILE`
#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_args.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/cli/sync_output.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/sync_run.hpp"
#include "transfer/endpoint/layout.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <set>

namespace ocimirror::daemon {

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

When tags fail, all others still complete; failures with one cause are reported once, with a count and examples,
and the exit code says what failed when every failure is of one kind.

Exit codes: 0 everything done; 1 failures of different kinds, or a registry or protocol failure; 2 the configuration
or the arguments are wrong (nothing was done); 3 not found: a repository named in `repositories:` that does not
exist, or a policy that selected nothing; 4 authentication or access; 5 network, TLS or timeout; 6 integrity.

Examples:
  ocimirror sync --config /etc/ocimirror/config.yaml
  ocimirror sync --config mirror.yaml --policy ghcr-to-internal --dry-run
  ocimirror sync --config mirror.yaml --output json | jq '.policies[].tags'
  ocimirror sync --config export.yaml --since bundle-0001.tar --since have.txt   # incremental bundle
)";

/// The flags of `sync`.
struct sync_flags {
  std::string file, output = "text";
  std::vector<std::string> names, since_files, env_files;
  bool dry_run = false, quiet = false, verify = false;
  policy_run_flags runs;
  transfer_flags xfer;

  po::options_description describe() {
    po::options_description opts("Sync");
    opts.add_options()("help,h", "show this help")("config,c", po::value(&file), "the mirror configuration (YAML)")(
        "policy,p", po::value(&names)->composing(), "run only this policy (repeatable; default: all)")(
        "dry-run,n", po::bool_switch(&dry_run), "print the plan, change nothing")(
        "verify", po::bool_switch(&verify),
        "check every tag at the destination down to its blobs; repair what is missing")(
        "since", po::value(&since_files)->composing(),
        "archive destinations: leave out blobs in this earlier bundle or digest list (repeatable)")(
        "env-file", po::value(&env_files)->composing(),
        "set the variables of this KEY=VALUE file first, as systemd's EnvironmentFile= does (repeatable)")(
        "output,o", po::value(&output), "text (default) or json")("quiet,q", po::bool_switch(&quiet),
                                                                  "no progress display");
    opts.add(runs.describe()).add(xfer.describe());
    return opts;
  }
};

/// The policies --policy names, in the order given; all of them without --policy.
std::vector<const config::policy_config*> chosen_policies(const config::mirror_config& cfg, const sync_flags& f) {
  std::vector<const config::policy_config*> chosen;
  for (const auto& n : f.names) {
    const auto* p = cfg.find(n);
    if (!p) throw po::error("no policy named '" + n + "' in " + f.file + " (it has: " + policy_names(cfg) + ")");
    chosen.push_back(p);
  }
  if (f.names.empty())
    for (const auto& p : cfg.policies) chosen.push_back(&p);
  return chosen;
}

/// One policy's run, with progress on stderr as `mode` says.
policy_report run_one(session& s, const config::policy_config& p, cache::mirror_cache& cache, const run_options& ro,
                      progress_mode mode) {
  policy_report report;
  if (mode == progress_mode::terminal)
    std::cerr << "policy " << p.name << ": " << p.from.str() << " -> " << p.to.str() << "\n";
  run_with_progress(s, *ro.progress, ro.dry_run ? progress_mode::none : mode, "policy " + p.name,
                    [&]() -> transfer::awaitable<void> { report = co_await run_policy(s, p, cache, ro); });
  return report;
}

}  // namespace

int cmd_sync(const args& a) {
  sync_flags f;
  auto opts = f.describe();
  bool json = false;
  return guarded(json, [&]() -> int {
    if (parse_or_help(a, opts, sync_help, f.output, json)) return exit_ok;
    if (f.file.empty()) throw po::error("sync needs --config FILE");
    if (auto bad = load_env_files(f.env_files)) throw po::error("--env-file " + bad->str());
    auto cfg = load_or_report(f.file, json);
    if (!cfg) return exit_usage;
    if (!f.runs.state_dir.empty()) cfg->state_dir = f.runs.state_dir;
    const auto shard = shard_arg(f.runs.shard_text);
    const auto chosen = chosen_policies(*cfg, f);
    std::set<std::string> since;
    for (const auto& file : f.since_files) since.merge(transfer::read_since(file));

    session s(cfg->registries, f.runs.limits, credentials_of(*cfg));
    std::string warning;
    cache::mirror_cache cache(cache::store::open(
        cfg->state_dir, f.dry_run ? cache::store::mode::read_only : cache::store::mode::read_write, warning));
    std::vector<policy_report> reports;
    for (const auto* p : chosen) {
      transfer::copy_progress progress;
      run_options ro;
      ro.dry_run = f.dry_run;
      ro.verify = f.verify;
      ro.shard = shard;
      // max_concurrency of either registry caps how many tags of this policy move at once.
      ro.parallel_tags = tags_at_once(f.runs.jobs, cfg->registries, *p);
      ro.parallel_blobs = std::max<std::size_t>(f.runs.blob_jobs, 1);
      ro.progress = &progress;
      ro.pipe = f.xfer.pipe();
      ro.since = &since;
      reports.push_back(run_one(s, *p, cache, ro, choose_progress(f.quiet, json)));
      if (!warning.empty()) reports.back().warnings.insert(reports.back().warnings.begin(), std::exchange(warning, {}));
      if (!json) print_report_text(reports.back(), f.dry_run, std::cout, std::cerr);
    }
    const int code = sync_exit_code(reports);
    if (json) std::cout << boost::json::serialize(reports_json(reports, f.dry_run, code)) << "\n";
    return code;
  });
}

}  // namespace ocimirror::daemon
