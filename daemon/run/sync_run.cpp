#include "daemon/run/sync_run.hpp"

#include "daemon/run/policy_run.hpp"

#include "daemon/run/endpoints.hpp"
#include "daemon/run/import_check.hpp"
#include "daemon/run/sync_list.hpp"
#include "policy/platform.hpp"
#include "transfer/copy/copy.hpp"
#include "transfer/copy/parallel.hpp"
#include "transfer/oci/reference.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <set>
#include <utility>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

std::string arrow(const config::policy_config& p, const std::string& src_repo, const std::string& dst_repo,
                  const std::string& tag) {
  auto side = [&](const std::string& where, const std::string& repo) {
    return where + (repo.empty() ? ":" : "/" + repo + ":") + tag;
  };
  return side(p.from.registry, src_repo) + " -> " + side(p.to.registry, dst_repo);
}

run_outcome outcome_of(const policy_report& r) {
  if (!r.failures.empty()) return run_outcome::failure;
  if (r.interrupted) return run_outcome::interrupted;
  if (!r.selected_nothing.empty()) return run_outcome::empty;
  return run_outcome::success;
}

const char* to_string(run_outcome o) {
  switch (o) {
    case run_outcome::success:
      return "success";
    case run_outcome::failure:
      return "failure";
    case run_outcome::empty:
      return "empty";
    case run_outcome::interrupted:
      return "interrupted";
  }
  return "failure";
}

std::size_t tags_at_once(std::size_t jobs, const config::registry_settings_map& registries,
                         const config::policy_config& p) {
  return std::max<std::size_t>(
      std::min({jobs, registries.get(p.from.registry).max_concurrency, registries.get(p.to.registry).max_concurrency}),
      1);
}

void policy_run::begin() {
  report.name = p.name;
  report.source = p.from.str();
  report.destination = p.to.str();
}

bool policy_run::open(session& s) {
  try {
    src = (opened_src = open_endpoint(s, p.from, role::source)).get();
    dst = (opened_dst = open_endpoint(s, p.to, opts.dry_run ? role::dry_run_destination : role::destination,
                                      {p.keep, opts.since, opts.pipe.upload}))
              .get();
  } catch (const transfer::error& e) {
    report.failures.push_back(failure_from("open " + (src ? p.to.str() : p.from.str()), e));
    return false;
  }
  adopt();
  return true;
}

void policy_run::adopt() {
  fresh = dst->fresh_each_run();
  for (auto* end : {src, dst})
    if (auto* c = end->registry()) waited_before[c] = c->stats().waited;
}

awaitable<bool> policy_run::list() {
  if (!fresh) try {
      records = co_await cache.tags(p.name);
      // What this policy wrote to a destination it no longer names is no knowledge here: neither "unchanged"
      // nor something to prune.
      std::erase_if(records, [this](const auto& kv) {
        return !kv.second.destination.empty() && kv.second.destination != p.to.registry;
      });
    } catch (const transfer::error& e) {
      report.warnings.push_back(std::string(e.what()) + "; asking the destination for every tag");
    }
  try {
    repos = co_await list_repositories(*src, p);
  } catch (const transfer::error& e) {
    report.failures.push_back(failure_from("list repositories of " + p.from.str(), e));
    co_return false;
  }
  if (auto* layout = dynamic_cast<const transfer::layout_endpoint*>(src))
    for (const auto& e : layout->index().unmappable())
      report.warnings.push_back(src->name() + ": entry " + e +
                                " cannot be mapped by a policy and was not mirrored; copy it with `ocimirror copy " +
                                src->name() + "@" + e.substr(0, e.find(' ')) + " DESTINATION`");
  std::erase_if(repos, [&](const repo_state& r) {
    if (!r.destination.empty() || p.to.type != config::endpoint::kind::registry) return false;
    report.failures.push_back(
        {"map " + src->name() + (r.source.empty() ? " (its bare-named tags)" : "/" + r.source),
         "maps to " + p.to.str() + " itself, which names no repository: give `to` a repository path",
         transfer::errc::bad_reference});
    return true;
  });
  const auto listed = repos.size();
  std::erase_if(repos, [&](const repo_state& r) { return !opts.shard.owns(r.source); });
  report.other_shards = listed - repos.size();
  co_return true;
}

std::size_t policy_run::width() const {
  std::size_t w = std::numeric_limits<std::size_t>::max();
  for (auto* end : {src, dst})
    if (auto* c = end ? end->registry() : nullptr) w = std::min(w, c->working_limit());
  return w;
}

awaitable<void> policy_run::each(std::size_t n, std::size_t most, std::function<awaitable<void>(std::size_t)> f) {
  co_await transfer::for_each_adaptive(
      n, most, [this] { return width(); }, std::move(f));
}

awaitable<void> policy_run::list_tags(repo_state& r) {
  try {
    r.all_tags = co_await src->list_tags(r.source);
    r.tags = policy::select_tags(r.all_tags, p.tags, opts.dry_run ? &r.dropped : nullptr);
    r.status = listing::listed;
  } catch (const transfer::error& e) {
    if (e.code() == transfer::errc::not_found && r.named) {
      // Named literally in `repositories:`: a typo, or a repository that was deleted. Either way not a success.
      r.status = listing::missing;
      report.failures.push_back({"list tags of " + p.from.registry + "/" + r.source,
                                 "source repository " + p.from.registry + "/" + r.source +
                                     " does not exist (named in `repositories:` of policy " + p.name + ", line " +
                                     std::to_string(p.line) + ")",
                                 transfer::errc::not_found});
    } else if (e.code() == transfer::errc::not_found) {
      r.status = listing::missing;  // listed by the catalog a moment ago, gone now
      report.warnings.push_back("source repository " + p.from.registry + "/" + r.source + " does not exist");
    } else {
      auto f = failure_from("list tags of " + p.from.registry + "/" + r.source, e);
      // Docker Hub, and ghcr.io to anonymous clients, answer 401 for a repository they do not have.
      if (r.named && (e.code() == transfer::errc::unauthorized || e.code() == transfer::errc::denied))
        f.message +=
            "; or the repository does not exist (some registries answer so for names they do not have: "
            "check `repositories:` of policy " +
            p.name + ")";
      report.failures.push_back(std::move(f));
    }
  }
  listed_at = std::max(listed_at, std::chrono::steady_clock::now());
}

void policy_run::lap(const char* name, std::chrono::steady_clock::time_point at) {
  report.phases.emplace_back(name, std::chrono::duration<double>(at - std::exchange(lapped, at)).count());
}

policy_report policy_run::finish() {
  // What a drain cut off is not a failure: the run ends as interrupted, and the next start resumes it at once.
  report.interrupted += static_cast<std::size_t>(
      std::erase_if(report.failures, [](const failure& f) { return f.kind == transfer::errc::cancelled; }));
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (const auto& [client, before] : waited_before)
    if (const auto d = client->stats().waited - before; d.count() > 0)
      report.waited.emplace_back(client->name(), std::chrono::duration<double>(d).count());
  return std::move(report);
}

awaitable<policy_report> policy_run::stages() {
  const bool listed = co_await list();  // a named local, not co_await inside a condition: GCC 12
  if (!listed) {
    lap("list");
    co_return finish();
  }
  co_await pipeline();  // laps "list" and "plan": when the last tag list, the last tag's facts were in
  if (!opts.dry_run) co_await execute();
  co_return finish();
}

awaitable<policy_report> run_policy(session& s, const config::policy_config& p, cache::mirror_cache& cache,
                                    const run_options& opts) {
  policy_run run{p, cache, opts};
  run.begin();
  if (!run.open(s)) co_return run.finish();
  co_return co_await run.stages();
}

awaitable<policy_report> run_policy(transfer::endpoint& src, transfer::endpoint& dst, const config::policy_config& p,
                                    cache::mirror_cache& cache, const run_options& opts) {
  policy_run run{p, cache, opts};
  run.begin();
  run.src = &src;
  run.dst = &dst;
  run.adopt();
  co_return co_await run.stages();
}

}  // namespace ocimirror::daemon
