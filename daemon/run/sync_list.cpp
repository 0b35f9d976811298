#include "daemon/run/sync_list.hpp"

#include "policy/tag_plan.hpp"

#include "transfer/oci/reference.hpp"

#include <algorithm>
#include <map>

namespace ocimirror::daemon {
using policy::action;
using transfer::awaitable;

std::optional<std::string> selected_relative(const config::policy_config& p, const std::string& repo) {
  auto rel = policy::relative_to(p.from.path, repo);
  if (!rel) return std::nullopt;
  // A layout's unnamed repository (bare ref names such as skopeo's `oci:DIR:v1`) maps to `to` itself, unless
  // patterns narrow the policy to named repositories.
  if (rel->empty()) return repo.empty() && p.repositories.empty() ? rel : std::nullopt;
  return p.picks(*rel) ? rel : std::nullopt;
}

awaitable<std::vector<repo_state>> list_repositories(transfer::endpoint& src, const config::policy_config& p) {
  std::vector<std::string> names;
  std::vector<std::string> literal;  // named without wildcards, in order: each must exist, catalog or not
  bool all_literal = !p.repositories.empty();
  for (const auto& pat : p.repositories) {
    auto lit = pat.literal();
    if (!lit)
      all_literal = false;
    else if (p.picks(*lit))  // not excluded
      literal.push_back(policy::join_path(p.from.path, *lit));
  }
  if (!all_literal) {
    auto catalog = co_await src.repositories(p.from.path);
    for (auto& n : catalog)
      if (selected_relative(p, n)) names.push_back(std::move(n));
  }
  // A literal name the catalog lacks is still asked for: its listing says whether it exists (catalogs lag).
  for (const auto& n : literal)
    if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(n);
  std::vector<repo_state> out;
  std::set<std::string> seen;
  std::map<std::string, std::string> landing;  // destination -> source: two sources never share one
  for (auto& n : names) {
    if (!seen.insert(n).second) continue;
    repo_state r;
    r.destination = policy::join_path(p.to.path, p.rename.apply(*policy::relative_to(p.from.path, n)));
    // Both names become URLs and paths: each must be one the grammar allows, and the destination must lie under
    // `to` (a name with ".." in it could otherwise climb out behind a front end that normalises paths).
    const bool under = p.to.path.empty() || r.destination == p.to.path || policy::relative_to(p.to.path, r.destination);
    const bool valid = (n.empty() || transfer::is_valid_repository(n)) &&
                       (r.destination.empty() || transfer::is_valid_repository(r.destination));
    if (!valid || !under)
      throw transfer::error(transfer::errc::bad_reference, "repository '" + transfer::printable(n) + "' of " +
                                                               p.from.str() + " is not a valid name that maps under " +
                                                               p.to.str());
    if (auto [at, fresh] = landing.emplace(r.destination, n); !fresh)
      throw transfer::error(transfer::errc::bad_reference,
                            "repositories '" + at->second + "' and '" + n + "' of " + p.from.registry +
                                " would both land at " + p.to.registry + "/" + r.destination +
                                ": rename one of them (rename:) or leave one out (repositories: exclude:)");
    r.named = std::find(literal.begin(), literal.end(), n) != literal.end();
    r.source = std::move(n);
    out.push_back(std::move(r));
  }
  co_return out;
}

awaitable<void> relist_vanished(transfer::endpoint& src, const config::policy_config& p, repo_state& r,
                                std::deque<job>& jobs) {
  if (std::none_of(jobs.begin(), jobs.end(), [](const job& j) { return j.vanished; })) co_return;
  std::vector<std::string> again;
  try {
    again = co_await src.list_tags(r.source);
  } catch (const transfer::error&) {
    co_return;  // the first listing stands
  }
  std::set<std::string> answered;
  for (const auto& j : jobs)
    if (!j.vanished) answered.insert(j.tag);
  r.all_tags = std::move(again);
  r.tags = policy::select_tags(r.all_tags, p.tags);
  for (const auto& t : r.tags)
    if (!answered.count(t)) jobs.push_back({&r, t, std::nullopt, false, false, {}, {}, {}});
}

namespace {
policy::source_listing listing_of(const repo_state* r) {
  if (!r) return policy::source_listing::not_listed;
  switch (r->status) {
    case listing::listed:
      return policy::source_listing::listed;
    case listing::missing:
      return policy::source_listing::missing;
    case listing::failed:
      break;
  }
  return policy::source_listing::failed;
}
}  // namespace

awaitable<void> plan_prunes(transfer::endpoint& src, const config::policy_config& p,
                            const std::vector<repo_state>& repos, const cache::tag_records& records,
                            const std::set<cache::tag_key>& selected, const policy::shard& shard,
                            policy_report& report) {
  struct listed {
    const repo_state* repo;
    std::set<std::string_view> tags;  ///< every tag of its listing: one lookup per record, not a scan
  };
  std::map<std::string, listed> listed_repos;
  for (const auto& r : repos) listed_repos[r.source] = {&r, {r.all_tags.begin(), r.all_tags.end()}};
  for (const auto& [key, rec] : records) {
    auto st = listed_repos.find(rec.source_repo);
    const auto* repo = st == listed_repos.end() ? nullptr : &st->second;
    policy::recorded_sighting seen;
    seen.selected = selected.count(key) > 0;
    if (seen.selected) continue;  // the common case, decided before any pattern is matched
    seen.mapped = selected_relative(p, rec.source_repo).has_value();
    seen.owned = shard.owns(rec.source_repo);
    seen.listing = listing_of(repo ? repo->repo : nullptr);
    seen.named = repo && repo->repo->named;
    seen.in_tag_list = repo && repo->tags.count(key.second) > 0;
    const auto verdict = policy::judge_prune(seen);
    if (verdict == policy::prune_verdict::keep) continue;
    if (verdict == policy::prune_verdict::ask_source) {
      std::optional<transfer::manifest_head> still;
      try {
        still = co_await src.head_manifest(rec.source_repo, key.second);
      } catch (const transfer::error& e) {
        report.warnings.push_back("not pruned: " + arrow(p, rec.source_repo, key.first, key.second) + ": " + e.what());
        continue;
      }
      if (still) {
        report.warnings.push_back("not pruned: " + arrow(p, rec.source_repo, key.first, key.second) +
                                  ": the source's tag list left it out, but the source still has it");
        continue;
      }
    }
    policy::plan_item it;
    it.what = action::prune;
    it.source_repo = rec.source_repo;
    it.destination_repo = key.first;
    it.tag = key.second;
    it.destination_digest = rec.destination_digest;
    report.plan.push_back(std::move(it));
  }
}

}  // namespace ocimirror::daemon
