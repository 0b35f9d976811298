// `ocimirror cache stats|verify|clear --config FILE`: look at, check against the destinations, or drop the cache.
#include "cache/store.hpp"
#include "daemon/cli/config_args.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/session.hpp"
#include "transfer/copy/parallel.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace ocimirror::daemon {
namespace json = boost::json;

namespace {

constexpr const char* cache_help = R"(Usage: ocimirror cache stats|verify|clear --config FILE [OPTIONS]

The cache (RocksDB in state_dir/cache) remembers which tags each policy mirrored (so a repeat run asks the
destination nothing about unchanged tags), which destination repositories hold each blob (so other repositories
mount it instead of copying), and where interrupted chunked uploads stopped. It is an optimisation, never the
truth: anything it says that turns out wrong is corrected when a sync meets it.

  stats    entries per policy and per kind, size on disk (safe while a daemon runs: read-only)
  verify   checks the files' checksums, then asks the destinations about every entry; entries that are no longer
           true are removed, so the next sync copies what is missing. Exit 0 when everything held, 1 otherwise.
  clear    removes the whole cache, or with --policy only that policy's tag records (the next sync of it asks
           the destination about every tag once). Nothing at any registry changes.

Examples:
  ocimirror cache stats --config /etc/ocimirror/config.yaml
  ocimirror cache verify --config mirror.yaml --output json
  ocimirror cache clear --config mirror.yaml --policy ghcr-to-internal
)";

int stats(const config::mirror_config& cfg, bool json_out) {
  std::string warning;
  auto store = cache::store::open(cfg.state_dir, cache::store::mode::read_only, warning);
  if (!warning.empty()) std::cerr << "ocimirror: warning: " << warning << "\n";
  auto st = store->stats();
  for (const auto& p : cfg.policies) st.tags_per_policy.try_emplace(p.name, 0);
  if (json_out) {
    json::object tags;
    for (const auto& [p, n] : st.tags_per_policy) tags[p] = n;
    std::cout << json::serialize(json::object{{"path", st.path.string()},
                                              {"bytesOnDisk", st.bytes_on_disk},
                                              {"tags", tags},
                                              {"blobLocations", st.blob_locations},
                                              {"uploadSessions", st.upload_sessions}})
              << "\n";
    return exit_ok;
  }
  std::cout << "cache " << st.path.string() << " (" << human_bytes(st.bytes_on_disk) << " on disk)\n  tags synced:\n";
  for (const auto& [p, n] : st.tags_per_policy)
    std::cout << "    " << p << ": " << n << (cfg.find(p) ? "" : " (no such policy in the config)") << "\n";
  std::cout << "  blob locations: " << st.blob_locations << "\n  upload sessions: " << st.upload_sessions << "\n";
  return exit_ok;
}

/// What the cache claims, and what the destinations answered about it.
struct cache_claims {
  struct tag_entry {
    std::string policy, registry;
    cache::tag_key key;
    cache::tag_record rec;
    bool stale = false;
  };
  std::vector<tag_entry> tags;
  std::vector<std::array<std::string, 3>> blobs;  ///< registry, digest, repository
  std::vector<char> blob_stale;
  std::vector<std::string> failures;  ///< what could not be asked
  std::size_t stale_tags = 0, stale_blobs = 0;
};

/// Asks each destination about every tag record (HEAD manifest) and blob location (HEAD blob), 8 at a time.
void ask_destinations(const config::mirror_config& cfg, const time_limits& limits, cache_claims& c) {
  session s(cfg.registries, limits, credentials_of(cfg));
  s.run([&]() -> transfer::awaitable<void> {
    co_await transfer::for_each_parallel(c.tags.size(), 8, [&](std::size_t i) -> transfer::awaitable<void> {
      auto& t = c.tags[i];
      try {
        const transfer::reference at{t.registry, "x", {}, {}};  // named: no temporaries inside co_await (GCC 12)
        auto& client = s.client(at);
        auto h = co_await client.head_manifest(t.key.first, t.key.second);
        t.stale = !h || h->digest != t.rec.destination_digest;
      } catch (const transfer::error& e) {
        c.failures.push_back(t.registry + "/" + t.key.first + ":" + t.key.second + ": " + e.what());
      }
    });
    co_await transfer::for_each_parallel(c.blobs.size(), 8, [&](std::size_t i) -> transfer::awaitable<void> {
      const auto& b = c.blobs[i];
      try {
        const transfer::reference at{b[0], "x", {}, {}};
        auto& client = s.client(at);
        auto size = co_await client.blob_size(b[2], b[1]);
        c.blob_stale[i] = !size;
      } catch (const transfer::error& e) {
        c.failures.push_back(b[0] + "/" + b[2] + "@" + b[1] + ": " + e.what());
      }
    });
  });
}

/// Drops what the destinations no longer hold, each tag named in problems.
void remove_stale(cache::store& store, cache_claims& c, std::vector<std::string>& problems) {
  for (const auto& t : c.tags)
    if (t.stale) {
      store.erase_tag(t.policy, t.key);
      problems.push_back("policy " + t.policy + ": " + t.registry + "/" + t.key.first + ":" + t.key.second +
                         " is no longer " + t.rec.destination_digest + " at the destination (record removed)");
      ++c.stale_tags;
    }
  for (std::size_t i = 0; i < c.blobs.size(); ++i)
    if (c.blob_stale[i]) {
      store.erase_holder(c.blobs[i][0], c.blobs[i][1], c.blobs[i][2]);
      ++c.stale_blobs;
    }
  if (c.stale_blobs) problems.push_back(std::to_string(c.stale_blobs) + " blob locations no longer held (removed)");
}

int report_verify(const cache::store& store, const cache_claims& c, const std::vector<std::string>& problems,
                  bool json_out) {
  const int code = problems.empty() && c.failures.empty() ? exit_ok : exit_failed;
  if (json_out) {
    json::array p, f;
    for (const auto& x : problems) p.push_back(json::value(x));
    for (const auto& x : c.failures) f.push_back(json::value(x));
    std::cout << json::serialize(json::object{{"path", store.path().string()},
                                              {"tagRecords", c.tags.size()},
                                              {"staleTags", c.stale_tags},
                                              {"blobLocations", c.blobs.size()},
                                              {"staleBlobLocations", c.stale_blobs},
                                              {"problems", p},
                                              {"failures", f},
                                              {"exitCode", code}})
              << "\n";
    return code;
  }
  for (const auto& x : problems) std::cout << "  " << x << "\n";
  for (const auto& x : c.failures) std::cerr << "ocimirror: error: could not check " << x << "\n";
  std::cout << "cache " << store.path().string() << ": " << c.tags.size() << " tag records (" << c.stale_tags
            << " stale), " << c.blobs.size() << " blob locations (" << c.stale_blobs << " stale)"
            << (code == exit_ok ? "; consistent with the destinations\n" : "; stale entries removed\n");
  return code;
}

int verify(const config::mirror_config& cfg, const time_limits& limits, bool json_out) {
  std::string warning;
  auto store = cache::store::open(cfg.state_dir, cache::store::mode::read_write, warning);
  std::vector<std::string> problems = store->verify();
  if (!warning.empty()) problems.insert(problems.begin(), warning);
  // Everything is read first and written after: no RocksDB call runs inside the I/O loop.
  cache_claims c;
  for (const auto& p : cfg.policies)
    for (auto& [k, r] : store->tags(p.name)) c.tags.push_back({p.name, p.to.registry, k, r, false});
  c.blobs = store->all_holders();
  c.blob_stale.assign(c.blobs.size(), 0);
  ask_destinations(cfg, limits, c);
  remove_stale(*store, c, problems);
  return report_verify(*store, c, problems, json_out);
}

int clear(const config::mirror_config& cfg, const std::vector<std::string>& policies) {
  std::string warning;
  auto store = cache::store::open(cfg.state_dir, cache::store::mode::read_write, warning);
  if (!warning.empty()) std::cerr << "ocimirror: warning: " << warning << "\n";
  if (!policies.empty()) {
    for (const auto& p : policies)
      std::cout << "removed " << store->erase_policy(p) << " tag records of policy " << p << "\n";
    return exit_ok;
  }
  const auto dir = store->path();
  const auto bytes = store->stats().bytes_on_disk;
  store.reset();  // closed (and unlocked) before its files go
  std::filesystem::remove_all(dir);
  std::cout << "removed cache " << dir.string() << " (" << human_bytes(bytes) << ")\n";
  return exit_ok;
}

}  // namespace

int cmd_cache(const args& a) {
  std::string file, output = "text", state_dir;
  std::vector<std::string> policies;
  time_limits limits;
  po::options_description opts("Cache");
  opts.add_options()("help,h", "show this help")(
      "config,c", po::value(&file), "the mirror configuration (YAML): its state_dir, policies and registries")(
      "state-dir", po::value(&state_dir), "override state_dir from the file")(
      "policy,p", po::value(&policies)->composing(), "clear: only this policy's tag records (repeatable)")(
      "output,o", po::value(&output), "text (default) or json");
  describe_limits(opts, limits);
  bool json_out = false;
  return guarded(json_out, [&]() -> int {
    const std::string what = a.empty() ? std::string() : a.front();
    const args rest(a.empty() ? a.begin() : a.begin() + 1, a.end());
    if (what == "--help" || what == "-h")
      return parse_or_help({"--help"}, opts, cache_help, output, json_out) ? exit_ok : exit_usage;
    if (parse_or_help(rest, opts, cache_help, output, json_out)) return exit_ok;
    if (what != "stats" && what != "verify" && what != "clear")
      throw po::error("cache needs one of stats, verify, clear" +
                      (what.empty() ? std::string() : ", not '" + what + "'"));
    if (file.empty()) throw po::error("cache " + what + " needs --config FILE");
    auto cfg = load_or_report(file, json_out);
    if (!cfg) return exit_usage;
    if (!state_dir.empty()) cfg->state_dir = state_dir;
    if (what == "stats") return stats(*cfg, json_out);
    if (what == "verify") return verify(*cfg, limits, json_out);
    return clear(*cfg, policies);
  });
}

}  // namespace ocimirror::daemon
