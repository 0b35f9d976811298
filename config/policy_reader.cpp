// The `policies:` entries of the configuration: each key read strictly, every problem reported with its line:col.
#include "config/policy_reader.hpp"

#include "transfer/net/file_io.hpp"

#include "policy/next_run.hpp"
#include "transfer/oci/layout_index.hpp"
#include "transfer/oci/reference.hpp"

#include <filesystem>
#include <fstream>

namespace ocimirror::config::detail {

std::optional<endpoint> policy_reader::parse_endpoint(const YAML::Node& n, const std::string& path) {
  auto s = str(n, path);
  if (!s) return std::nullopt;
  if (auto layout = transfer::parse_layout_ref(*s)) {
    if (!*layout) {
      error(n, path, "'" + *s + "': " + layout->error());
      return std::nullopt;
    }
    if (!(*layout)->tag.empty()) {
      error(n, path,
            "'" + *s +
                "': a policy names a whole layout (oci:DIR or oci-archive:FILE, no :REF); "
                "`repositories:` and `tags:` select within it");
      return std::nullopt;
    }
    endpoint e;
    e.type = (*layout)->kind == transfer::layout_ref::archive ? endpoint::kind::oci_archive : endpoint::kind::oci_dir;
    std::filesystem::path f((*layout)->path);
    if (f.is_relative()) {
      const auto folder = std::filesystem::path(file).parent_path();  // empty for "mirror.yaml": the current one
      std::error_code ec;
      f = (folder.empty() ? std::filesystem::current_path(ec) : std::filesystem::absolute(folder, ec)) / f;
    }
    e.file = f.lexically_normal().string();
    if (e.file.size() > 1 && e.file.back() == '/') e.file.pop_back();
    e.registry = (e.type == endpoint::kind::oci_archive ? "oci-archive:" : "oci:") + e.file;
    return e;
  }
  auto slash = s->find('/');
  endpoint e;
  e.registry = s->substr(0, slash);
  e.path = slash == std::string::npos ? "" : s->substr(slash + 1);
  auto probe = transfer::parse_repository(e.registry + "/" + (e.path.empty() ? "x" : e.path));
  if (!probe || probe->registry != e.registry) {
    error(n, path, "'" + *s + "' is not REGISTRY[/PATH]: " + (probe ? "bad registry host" : probe.error().what));
    return std::nullopt;
  }
  return e;
}

void policy_reader::parse_policy(const YAML::Node& n, const YAML::Node& defaults, const std::string& path,
                                 mirror_config& c, std::set<std::string>& names) {
  if (!check_map(n, path, "policy")) return;
  policy_config p;
  p.line = n.Mark().line + 1;
  for (const char* req : {"name", "from", "to"})
    if (!n[req]) error(n, path, std::string("missing required key '") + req + "'");
  if (n["name"]) parse_name(n["name"], path + ".name", p, names);
  if (n["from"])
    if (auto e = parse_endpoint(n["from"], path + ".from")) p.from = *e;
  if (n["to"])
    if (auto e = parse_endpoint(n["to"], path + ".to")) p.to = *e;
  parse_repositories(n, path, p);
  if (auto r = n["rename"]) parse_rename(r, path + ".rename", p);
  if (n["keep"]) {
    auto k = n["keep"];
    long v = 0;
    if (!k.IsScalar() || !YAML::convert<long>::decode(k, v) || v < 1 || v > 100000)
      error(k, path + ".keep", "must be a whole number of snapshots, at least 1");
    else if (p.to.type != endpoint::kind::oci_dir)
      error(k, path + ".keep", "keeps dated snapshots of an OCI layout directory: `to:` must be oci:DIR");
    else
      p.keep = static_cast<std::size_t>(v);
  }
  // The policy's own keys, then those it takes from `defaults:`; a problem only the inherited value shows is told
  // where that value came from.
  YAML::Node merged(YAML::NodeType::Map);
  for (const auto& kv : n) merged.force_insert(kv.first, kv.second);
  std::vector<std::string> inherited;
  if (defaults.IsMap())
    for (const auto& kv : defaults)
      if (!n[kv.first.Scalar()]) {
        merged.force_insert(kv.first, kv.second);
        inherited.push_back(path + "." + kv.first.Scalar());
      }
  const auto before = errors.size();
  parse_shared(merged, path, p);
  check_policy(merged, path, p);
  for (auto e = errors.begin() + static_cast<std::ptrdiff_t>(before); e != errors.end(); ++e)
    for (const auto& key : inherited)
      if (e->path.starts_with(key) && (e->path.size() == key.size() || e->path[key.size()] == '.'))
        e->message += " (inherited from `defaults:`)";
  c.policies.push_back(std::move(p));
}

bool policy_reader::check_defaults(const YAML::Node& n) {
  const auto before = errors.size();
  if (!check_map(n, "defaults", "defaults")) return false;
  policy_config scratch;
  parse_shared(n, "defaults", scratch);
  return errors.size() == before;
}

void policy_reader::parse_shared(const YAML::Node& n, const std::string& path, policy_config& p) {
  parse_selection(n, path, p);
  if (n["overwrite"])
    if (auto s = str(n["overwrite"], path + ".overwrite")) {
      if (*s == "changed")
        p.overwrite = overwrite_mode::changed;
      else if (*s == "never")
        p.overwrite = overwrite_mode::never;
      else
        error(n["overwrite"], path + ".overwrite", "must be changed or never, not '" + *s + "'");
    }
  if (n["prune"])
    if (auto b = boolean(n["prune"], path + ".prune")) p.prune = *b;
  if (auto s = n["schedule"]) parse_schedule(s, path + ".schedule", p);
  if (auto r = n["referrers"]) {
    bool b = true;
    if (r.IsScalar() && YAML::convert<bool>::decode(r, b)) {
      p.referrers.enabled = b;
    } else if (check_map(r, path + ".referrers", "referrers")) {
      if (r["include"]) p.referrers.include = str_list(r["include"], path + ".referrers.include");
      if (r["exclude"]) p.referrers.exclude = str_list(r["exclude"], path + ".referrers.exclude");
    }
  }
  if (auto v = n["verify"]) parse_verify(v, path + ".verify", p);
}

/// name: it names the state file, so it is a plain file name, and unique.
void policy_reader::parse_name(const YAML::Node& n, const std::string& np, policy_config& p,
                               std::set<std::string>& names) {
  auto s = str(n, np);
  if (!s) return;
  p.name = *s;
  const bool ok = !p.name.empty() && p.name.size() <= 128 && p.name[0] != '.' &&
                  p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                      std::string::npos;
  if (!ok) error(n, np, "must be letters, digits, '.', '_' or '-' (it names the state file), not starting with '.'");
  if (!names.insert(p.name).second) error(n, np, "duplicate policy name '" + p.name + "'");
}

void policy_reader::parse_schedule(const YAML::Node& s, const std::string& sp, policy_config& p) {
  if (check_map(s, sp, "schedule")) {
    if (s["at_start"])
      if (auto b = boolean(s["at_start"], sp + ".at_start")) p.run_at_start = *b;
    if (s["every"] && s["cron"]) error(s, sp, "give either every or cron, not both");
    if (!s["every"] && !s["cron"]) error(s, sp, "needs every or cron");
    if (s["every"])
      if (auto v = str(s["every"], sp + ".every")) {
        auto d = policy::parse_duration(*v);
        if (d)
          p.every = *d;
        else
          error(s["every"], sp + ".every", d.error());
      }
    if (s["cron"])
      if (auto v = str(s["cron"], sp + ".cron")) {
        auto cr = policy::parse_cron(*v);
        if (!cr)
          error(s["cron"], sp + ".cron", cr.error());
        else if (!policy::next_cron(*cr, std::chrono::system_clock::now()))
          error(s["cron"], sp + ".cron", "cron '" + *v + "' never matches (no such day in those months)");
        else
          p.cron = *cr, p.cron_text = *v;
      }
  }
}

/// What no single key shows: pruning what each run writes whole, a destination inside its source.
void policy_reader::check_policy(const YAML::Node& n, const std::string& path, const policy_config& p) {
  if (p.prune && (p.to.type == endpoint::kind::oci_archive || p.keep > 0))
    error(n["prune"], path + ".prune",
          "each run writes a complete new " + std::string(p.keep ? "snapshot" : "archive") +
              ", so there is nothing to prune");
  if (!p.from.registry.empty() && p.from.registry == p.to.registry &&
      (p.from.path == p.to.path || policy::relative_to(p.from.path, p.to.path)))
    error(n["to"], path + ".to", "lies inside `from` (" + p.from.str() + "): every run would mirror the mirror again");
}

}  // namespace ocimirror::config::detail
