#include "daemon/cli/sync_output.hpp"
#include "daemon/exit_codes.hpp"

#include "daemon/cli/console.hpp"

#include "daemon/run/failure_groups.hpp"
#include "daemon/run/session.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>

namespace ocimirror::daemon {
namespace json = boost::json;
using policy::action;

namespace {

std::string short_digest(const std::string& d) { return d.size() > 19 ? d.substr(0, 19) : d; }

std::size_t cache_hits(const policy_report& r) {
  return static_cast<std::size_t>(
      std::count_if(r.plan.begin(), r.plan.end(), [](const auto& it) { return it.cached; }));
}

std::map<action, std::size_t> count_plan(const policy_report& r) {
  std::map<action, std::size_t> n;
  for (const auto& it : r.plan) ++n[it.what];
  return n;
}

const char* tls_name(config::tls_mode m) {
  switch (m) {
    case config::tls_mode::enabled:
      return "enabled";
    case config::tls_mode::insecure:
      return "insecure";
    case config::tls_mode::disabled:
      return "disabled";
  }
  return "?";
}

std::string schedule_text(const config::policy_config& p) {
  if (p.every) {
    const auto s = p.every->count();
    if (s % 3600 == 0) return "every " + std::to_string(s / 3600) + "h";
    if (s % 60 == 0) return "every " + std::to_string(s / 60) + "m";
    return "every " + std::to_string(s) + "s";
  }
  if (p.cron) return "cron \"" + p.cron_text + "\"";
  return "no schedule";
}

/// Dry runs: which tags the rules left out and which rule did, at most a screenful (JSON has every one).
void print_dropped(const policy_report& r, std::ostream& out) {
  constexpr std::size_t most = 20;
  for (std::size_t i = 0; i < r.dropped.size() && i < most; ++i) {
    const auto& [repo, d] = r.dropped[i];
    out << "  left out   " << (repo.empty() ? "" : repo + ":") << d.tag << "  (" << d.rule << ": " << d.why << ")\n";
  }
  if (r.dropped.size() > most)
    out << "  left out   ... and " << r.dropped.size() - most << " more (every one: --output json)\n";
}

}  // namespace

std::string policy_names(const config::mirror_config& c) {
  std::string out;
  for (const auto& p : c.policies) out += (out.empty() ? "" : ", ") + p.name;
  return out;
}

void print_report_text(const policy_report& r, bool dry_run, std::ostream& out, std::ostream& err) {
  for (const auto& w : r.warnings) err << "ocimirror: warning: " << w << "\n";
  for (const auto& g : group_failures(r.failures, {registry_of(r.source), registry_of(r.destination)})) {
    const auto lines = group_lines(g);
    err << "ocimirror: error: " << lines.front() << "\n";
    for (std::size_t i = 1; i < lines.size(); ++i) err << lines[i] << "\n";
  }
  if (!r.selected_nothing.empty())
    err << "ocimirror: error: " << r.selected_nothing
        << " (check `from:` and the patterns; `ocimirror tags` and `--dry-run` show what the source has)\n";
  auto n = count_plan(r);
  if (dry_run) {
    out << "policy " << r.name << ": " << r.source << " -> " << r.destination << " (dry run: nothing changed)\n";
    std::size_t ws = 6, wd = 11;
    for (const auto& it : r.plan) {
      ws = std::max(ws, it.source_repo.size() + it.tag.size() + 1);
      wd = std::max(wd, it.destination_repo.size() + it.tag.size() + 1);
    }
    char line[1024];
    std::snprintf(line, sizeof line, "  %-9s  %-*s  %-*s  %s\n", "ACTION", int(ws), "SOURCE", int(wd), "DESTINATION",
                  "SOURCE DIGEST");
    if (!r.plan.empty()) out << line;
    for (const auto& it : r.plan) {
      std::snprintf(line, sizeof line, "  %-9s  %-*s  %-*s  %s\n", policy::to_string(it.what), int(ws),
                    (it.source_repo + ":" + it.tag).c_str(), int(wd), (it.destination_repo + ":" + it.tag).c_str(),
                    short_digest(it.source_digest.empty() ? it.destination_digest : it.source_digest).c_str());
      out << line;
    }
    print_dropped(r, out);
    out << "  plan: " << n[action::copy] << " to copy, " << n[action::overwrite] << " to overwrite, "
        << n[action::unchanged] << " unchanged, ";
    if (n[action::kept]) out << n[action::kept] << " kept (they differ; overwrite: never), ";
    out << n[action::prune] << " to prune, " << r.dropped.size() << " left out by the tag rules; " << r.failures.size()
        << " failed to plan\n";
    return;
  }
  char line[512];
  std::snprintf(line, sizeof line,
                "policy %s: tags %zu copied, %zu unchanged (%zu by cache), %zu kept, %zu pruned, %zu failed; blobs %zu "
                "copied (%s), %zu mounted, %zu skipped; %.1fs\n",
                r.name.c_str(), r.copied, n[action::unchanged], cache_hits(r), n[action::kept], r.pruned,
                r.failures.size(), r.blobs.blobs_copied, human_bytes(r.blobs.bytes_copied).c_str(),
                r.blobs.blobs_mounted, r.blobs.blobs_skipped, r.seconds);
  out << line;
  if (r.verified)
    out << "  verified " << r.verified << " unchanged tags down to their blobs; " << r.repaired << " needed repair\n";
  if (r.other_shards) out << "  " << r.other_shards << " source repositories left to the other shards\n";
  if (r.blobs.uploads_resumed) out << "  resumed " << r.blobs.uploads_resumed << " interrupted uploads\n";
  if (r.left_out) out << "  " << r.left_out << " blobs left out of the bundle: the far side has them (--since)\n";
  if (r.referrers || r.cosign_tags)
    out << "  with them: " << r.referrers << " referrers, " << r.cosign_tags << " cosign tags"
        << (r.fallback_updates ? " (" + std::to_string(r.fallback_updates) + " fallback indexes written)"
                               : std::string())
        << "\n";
  if (!r.unverified.empty()) {
    out << "  " << r.unverified.size() << " tags skipped by the signature gate:\n";
    for (const auto& u : r.unverified) out << "    " << u.what << ": " << u.refusal << ": " << u.message << "\n";
  }
  for (const auto& [registry, seconds] : r.waited) {
    std::snprintf(line, sizeof line, "  waited %.1fs on %s (its rate limit, or before retries)\n", seconds,
                  registry.c_str());
    out << line;
  }
  for (const auto& m : r.remapped)
    out << "  platforms filtered: " << m.source << " -> " << m.destination
        << (m.annotated ? " (source digest in annotation io.ocimirror.source.digest)\n"
                        : " (a Docker manifest list carries no annotations: the source digest is recorded nowhere in "
                          "it)\n");
}

int sync_exit_code(const std::vector<policy_report>& reports) {
  std::optional<int> code;
  auto add = [&code](int c) { code = !code || *code == c ? c : int(exit_failed); };
  for (const auto& r : reports) {
    // A name that cannot be mapped is found while running, after other tags were done: not a usage error here.
    for (const auto& f : r.failures) add(f.kind == transfer::errc::bad_reference ? exit_failed : exit_code_for(f.kind));
    if (outcome_of(r) == run_outcome::empty) add(exit_not_found);
  }
  return code.value_or(exit_ok);
}

json::value reports_json(const std::vector<policy_report>& reports, bool dry_run, int exit_code) {
  json::array pols;
  for (const auto& r : reports) {
    json::array plan, warnings, failures, remapped;
    for (const auto& it : r.plan)
      plan.push_back(json::object{{"action", policy::to_string(it.what)},
                                  {"source", it.source_repo + ":" + it.tag},
                                  {"destination", it.destination_repo + ":" + it.tag},
                                  {"sourceDigest", it.source_digest},
                                  {"destinationDigest", it.destination_digest},
                                  {"checked", it.cached ? "cache" : "destination"}});
    for (const auto& w : r.warnings) warnings.push_back(json::value(w));
    for (const auto& f : r.failures)
      failures.push_back(json::object{{"what", f.what}, {"error", f.message}, {"kind", transfer::errc_name(f.kind)}});
    json::array dropped;
    for (const auto& [repo, d] : r.dropped)
      dropped.push_back(json::object{{"source", repo + ":" + d.tag}, {"rule", d.rule}, {"why", d.why}});
    for (const auto& m : r.remapped) {
      json::object one{{"sourceDigest", m.source}, {"destinationDigest", m.destination}};
      if (m.annotated) one["annotation"] = "io.ocimirror.source.digest";  // where the new index records its source
      remapped.push_back(std::move(one));
    }
    auto n = count_plan(r);
    json::object planned{{"copy", n[action::copy]},
                         {"overwrite", n[action::overwrite]},
                         {"unchanged", n[action::unchanged]},
                         {"kept", n[action::kept]},
                         {"prune", n[action::prune]}};
    json::object o{{"name", r.name}, {"source", r.source},   {"destination", r.destination}, {"planned", planned},
                   {"plan", plan},   {"warnings", warnings}, {"failures", failures},         {"seconds", r.seconds}};
    o["outcome"] = to_string(outcome_of(r));
    if (dry_run) o["leftOut"] = std::move(dropped);
    o["selectedTags"] = r.selected;
    if (!r.selected_nothing.empty()) o["selectedNothing"] = r.selected_nothing;
    json::object phases;
    for (const auto& [step, seconds] : r.phases) phases[step] = seconds;
    o["phaseSeconds"] = std::move(phases);
    if (!dry_run) {
      o["tags"] = json::object{{"copied", r.copied},         {"unchanged", n[action::unchanged]},
                               {"cacheHits", cache_hits(r)}, {"kept", n[action::kept]},
                               {"pruned", r.pruned},         {"failed", r.failures.size()},
                               {"verified", r.verified},     {"repaired", r.repaired}};
      o["otherShardRepositories"] = r.other_shards;
      o["blobs"] = json::object{{"copied", r.blobs.blobs_copied},
                                {"mounted", r.blobs.blobs_mounted},
                                {"skipped", r.blobs.blobs_skipped},
                                {"resumedUploads", r.blobs.uploads_resumed},
                                {"leftOut", r.left_out}};
      o["manifests"] = json::object{{"pushed", r.blobs.manifests_pushed}, {"skipped", r.blobs.manifests_skipped}};
      o["bytes"] = r.blobs.bytes_copied;
      o["remapped"] = remapped;
      json::object waited;
      for (const auto& [registry, seconds] : r.waited) waited[registry] = seconds;
      o["waitedSeconds"] = std::move(waited);
      o["referrers"] = json::object{
          {"manifests", r.referrers}, {"cosignTags", r.cosign_tags}, {"fallbackIndexes", r.fallback_updates}};
    }
    json::array unverified;
    for (const auto& u : r.unverified)
      unverified.push_back(json::object{{"tag", u.what}, {"refusal", u.refusal}, {"reason", u.message}});
    o["unverified"] = std::move(unverified);
    pols.push_back(std::move(o));
  }
  return json::object{
      {"dryRun", dry_run}, {"policies", pols}, {"exitCode", exit_code}, {"peakRssBytes", peak_rss_bytes()}};
}

namespace {
/// Where a registry without credentials in the file gets them: the docker config, else its cloud's identity.
std::string credential_source(std::string_view profile) {
  if (profile == "ecr") return ", credentials from the docker config, else the AWS identity";
  if (profile == "acr") return ", credentials from the docker config, else the Azure identity";
  if (profile == "gar") return ", credentials from the docker config, else Google's default credentials";
  if (profile == "ghcr") return ", credentials from the docker config, else a GitHub App (GITHUB_APP_ID)";
  return ", credentials from the docker config";
}
}  // namespace

void print_config_text(const config::mirror_config& c, std::ostream& out) {
  const auto nr = c.registries.by_registry.size(), np = c.policies.size();
  out << "config OK: " << c.file << " (" << nr << (nr == 1 ? " registry, " : " registries, ") << np
      << (np == 1 ? " policy" : " policies") << "; state in " << c.state_dir << ")\n";
  for (const auto& [name, s] : c.registries.by_registry)
    out << "  registry " << name << ": tls " << tls_name(s.tls) << ", max_concurrency " << s.max_concurrency
        << (c.credentials.count(name) ? ", credentials from the file"
                                      : credential_source(c.registries.profile_for(name).name))
        << "\n";
  for (const auto& p : c.policies) {
    out << "  policy " << p.name << ": " << p.from.str() << " -> " << p.to.str() << ", " << schedule_text(p);
    out << ", repositories: ";
    if (p.repositories.empty()) out << "all (catalog)";
    for (std::size_t i = 0; i < p.repositories.size(); ++i) out << (i ? ", " : "") << p.repositories[i].text();
    for (const auto& x : p.repositories_exclude) out << ", not " << x.text();
    for (const auto& r : p.rename.rules()) out << ", rename " << r.from << " -> " << (r.to.empty() ? "\"\"" : r.to);
    if (!p.platforms.empty()) {
      out << ", platforms: ";
      for (std::size_t i = 0; i < p.platforms.size(); ++i) out << (i ? ", " : "") << p.platforms[i].str();
    }
    if (p.prune) out << ", prune";
    if (p.overwrite == config::overwrite_mode::never) out << ", overwrite: never";
    out << "\n";
    if (p.verify) {
      // The gate, spelled out: who may sign, checked against which trusted root.
      for (const auto& id : p.verify->identities)
        out << "    signed by " << id.describe() << ", checked against " << p.verify->root_file << "\n";
      for (const auto& k : p.verify->keys) out << "    signed with the key " << k.name << "\n";
    }
  }
}

json::value config_json(const config::mirror_config& c) {
  json::array regs, pols;
  for (const auto& [name, s] : c.registries.by_registry) {
    json::array cas;
    for (const auto& f : s.ca_files) cas.push_back(json::value(f));
    regs.push_back(json::object{{"name", name},
                                {"tls", tls_name(s.tls)},
                                {"caFiles", cas},
                                {"maxConcurrency", s.max_concurrency},
                                {"credentials", c.credentials.count(name) ? "file" : "docker-config"}});
  }
  for (const auto& p : c.policies) {
    json::array repos, excluded, renames, plats;
    for (const auto& r : p.repositories) repos.push_back(json::value(r.text()));
    for (const auto& r : p.repositories_exclude) excluded.push_back(json::value(r.text()));
    for (const auto& r : p.rename.rules()) renames.push_back(json::object{{"from", r.from}, {"to", r.to}});
    for (const auto& pl : p.platforms) plats.push_back(json::value(pl.str()));
    pols.push_back(json::object{{"name", p.name},
                                {"from", p.from.str()},
                                {"to", p.to.str()},
                                {"repositories", repos},
                                {"repositoriesExcluded", excluded},
                                {"rename", renames},
                                {"platforms", plats},
                                {"prune", p.prune},
                                {"overwrite", p.overwrite == config::overwrite_mode::never ? "never" : "changed"},
                                {"schedule", schedule_text(p)}});
    if (p.verify) {
      json::array ids, keys;
      for (const auto& id : p.verify->identities) ids.push_back(json::value(id.describe()));
      for (const auto& k : p.verify->keys) keys.push_back(json::value(k.name));
      pols.back().as_object()["verify"] =
          json::object{{"trustedRoot", p.verify->root_file}, {"identities", ids}, {"keys", keys}};
    }
  }
  return json::object{
      {"valid", true}, {"file", c.file}, {"stateDir", c.state_dir}, {"registries", regs}, {"policies", pols}};
}

}  // namespace ocimirror::daemon
