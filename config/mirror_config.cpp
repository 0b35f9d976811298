#include "config/mirror_config.hpp"

#include "config/overlap.hpp"
#include "config/yaml_reader.hpp"

#include "policy/next_run.hpp"
#include "policy/regex.hpp"
#include "transfer/artifact/cosign.hpp"
#include "transfer/endpoint/layout.hpp"
#include "transfer/oci/reference.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <tuple>

namespace ocimirror::config {

std::string diagnostic::str() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(col);
  s += ": ";
  if (!path.empty()) s += path + ": ";
  return s + message;
}

const policy_config* mirror_config::find(const std::string& name) const {
  for (const auto& p : policies)
    if (p.name == name) return &p;
  return nullptr;
}

namespace {

struct loader : detail::yaml_reader {
  std::optional<endpoint> parse_endpoint(const YAML::Node& n, const std::string& path) {
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

  void parse_registry(const YAML::Node& key, const YAML::Node& n, mirror_config& c) {
    const std::string name = key.as<std::string>();
    const std::string path = "registries." + name;
    if (!transfer::parse_repository(name + "/x") || name.find('/') != std::string::npos)
      error(key, path, "'" + name + "' is not a registry HOST[:PORT]");
    registry_settings s = c.registries.defaults;
    if (n.IsNull()) {
      c.registries.by_registry[name] = s;
      return;
    }
    if (!check_map(n, path,
                   {"tls", "ca_file", "username", "password", "max_concurrency", "list_max_entries", "list_max_pages"}))
      return;
    if (n["tls"]) {
      if (auto t = str(n["tls"], path + ".tls")) {
        if (*t == "enabled")
          s.tls = tls_mode::enabled;
        else if (*t == "insecure")
          s.tls = tls_mode::insecure;
        else if (*t == "disabled")
          s.tls = tls_mode::disabled;
        else
          error(n["tls"], path + ".tls", "must be enabled, insecure or disabled, not '" + *t + "'");
      }
    }
    if (n["ca_file"])
      if (auto f = str(n["ca_file"], path + ".ca_file")) {
        if (!std::ifstream(*f)) error(n["ca_file"], path + ".ca_file", "cannot read '" + *f + "'");
        s.ca_files.push_back(*f);
      }
    if (n["max_concurrency"])
      if (auto v = integer(n["max_concurrency"], path + ".max_concurrency", 1, 256))
        s.max_concurrency = static_cast<std::size_t>(*v);
    if (n["list_max_entries"])
      if (auto v = integer(n["list_max_entries"], path + ".list_max_entries", 1, 100'000'000))
        s.listing.max_entries = static_cast<std::size_t>(*v);
    if (n["list_max_pages"])
      if (auto v = integer(n["list_max_pages"], path + ".list_max_pages", 1, 10'000'000))
        s.listing.max_pages = static_cast<std::size_t>(*v);
    const bool has_user = bool(n["username"]), has_pass = bool(n["password"]);
    if (has_user != has_pass) error(key, path, "username and password go together");
    if (has_user && has_pass) {
      auto u = str(n["username"], path + ".username");
      auto p = str(n["password"], path + ".password");
      if (u && p) c.credentials[name] = transfer::credentials{*u, *p, {}};
    }
    c.registries.by_registry[name] = s;
  }

  std::vector<std::regex> regexes(const YAML::Node& n, const std::string& path) {
    std::vector<std::regex> out;
    if (!n.IsSequence()) {
      error(n, path, "must be a list of regular expressions");
      return out;
    }
    for (std::size_t i = 0; i < n.size(); ++i) {
      auto s = str(n[i], path + "[" + std::to_string(i) + "]");
      if (!s) continue;
      auto re = policy::compile_regex(*s);
      if (re)
        out.push_back(std::move(*re));
      else
        error(n[i], path + "[" + std::to_string(i) + "]", "invalid regular expression '" + *s + "': " + re.error());
    }
    return out;
  }

  void parse_policy(const YAML::Node& n, const std::string& path, mirror_config& c, std::set<std::string>& names) {
    if (!check_map(n, path,
                   {"name", "from", "to", "repositories", "tags", "platforms", "artifact_types", "overwrite", "prune",
                    "schedule", "keep", "referrers", "verify"}))
      return;
    policy_config p;
    p.line = n.Mark().line + 1;
    for (const char* req : {"name", "from", "to"})
      if (!n[req]) error(n, path, std::string("missing required key '") + req + "'");
    if (n["name"])
      if (auto s = str(n["name"], path + ".name")) {
        p.name = *s;
        const bool ok = !p.name.empty() && p.name.size() <= 128 && p.name[0] != '.' &&
                        p.name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                            std::string::npos;
        if (!ok)
          error(n["name"], path + ".name",
                "must be letters, digits, '.', '_' or '-' (it names the state file), not starting with '.'");
        if (!names.insert(p.name).second) error(n["name"], path + ".name", "duplicate policy name '" + p.name + "'");
      }
    if (n["from"])
      if (auto e = parse_endpoint(n["from"], path + ".from")) p.from = *e;
    if (n["to"])
      if (auto e = parse_endpoint(n["to"], path + ".to")) p.to = *e;
    if (n["repositories"]) {
      auto list = n["repositories"];
      if (!list.IsSequence() || list.size() == 0)
        error(list, path + ".repositories", "must be a non-empty list (omit it to mirror every repository)");
      else
        for (std::size_t i = 0; i < list.size(); ++i)
          if (auto s = str(list[i], path + ".repositories[" + std::to_string(i) + "]")) {
            auto pat = policy::repo_pattern::parse(*s);
            if (pat)
              p.repositories.push_back(*pat);
            else
              error(list[i], path + ".repositories[" + std::to_string(i) + "]", pat.error());
          }
    }
    if (auto t = n["tags"]) {
      const std::string tp = path + ".tags";
      if (check_map(t, tp, {"include", "exclude", "semver", "latest"})) {
        if (t["include"]) p.tags.include = regexes(t["include"], tp + ".include");
        if (t["exclude"]) p.tags.exclude = regexes(t["exclude"], tp + ".exclude");
        if (t["semver"])
          if (auto s = str(t["semver"], tp + ".semver")) {
            auto r = policy::semver_range::parse(*s);
            if (r)
              p.tags.range = *r;
            else
              error(t["semver"], tp + ".semver", r.error());
          }
        if (t["latest"])
          if (auto v = integer(t["latest"], tp + ".latest", 1, 100000)) p.tags.latest = static_cast<std::size_t>(*v);
      }
    }
    if (n["platforms"]) {
      auto list = n["platforms"];
      auto items = str_list(list, path + ".platforms");
      for (std::size_t i = 0; i < items.size(); ++i) {
        auto pp = policy::parse_platform(items[i]);
        if (pp)
          p.platforms.push_back(*pp);
        else
          error(list[i], path + ".platforms[" + std::to_string(i) + "]", pp.error());
      }
    }
    if (auto a = n["artifact_types"]) {
      if (check_map(a, path + ".artifact_types", {"include", "exclude"})) {
        if (a["include"]) p.types_include = str_list(a["include"], path + ".artifact_types.include");
        if (a["exclude"]) p.types_exclude = str_list(a["exclude"], path + ".artifact_types.exclude");
      }
    }
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
    if (auto s = n["schedule"]) {
      const std::string sp = path + ".schedule";
      if (check_map(s, sp, {"every", "cron", "at_start"})) {
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
    if (auto r = n["referrers"]) {
      bool b = true;
      if (r.IsScalar() && YAML::convert<bool>::decode(r, b)) {
        p.referrers.enabled = b;
      } else if (check_map(r, path + ".referrers", {"include", "exclude"})) {
        if (r["include"]) p.referrers.include = str_list(r["include"], path + ".referrers.include");
        if (r["exclude"]) p.referrers.exclude = str_list(r["exclude"], path + ".referrers.exclude");
      }
    }
    if (auto v = n["verify"]) {
      if (check_map(v, path + ".verify", {"cosign_public_key"})) {
        if (!v["cosign_public_key"])
          error(v, path + ".verify", "needs cosign_public_key: PATH");
        else if (auto f = str(v["cosign_public_key"], path + ".verify.cosign_public_key")) {
          std::filesystem::path kp(*f);
          if (kp.is_relative()) {
            const auto folder = std::filesystem::path(file).parent_path();
            std::error_code ec;
            kp = (folder.empty() ? std::filesystem::current_path(ec) : std::filesystem::absolute(folder, ec)) / kp;
          }
          std::ifstream in(kp, std::ios::binary);
          std::string pem((std::istreambuf_iterator<char>(in)), {});
          if (!in.good() && pem.empty()) {
            error(v["cosign_public_key"], path + ".verify.cosign_public_key", "cannot read " + kp.string());
          } else {
            try {
              transfer::cosign::public_key check(pem);
              p.verify_key_pem = pem;
              p.verify_key_file = kp.string();
            } catch (const std::exception& e) {
              error(v["cosign_public_key"], path + ".verify.cosign_public_key", kp.string() + " is " + e.what());
            }
          }
        }
      }
    }
    if (p.prune && (p.to.type == endpoint::kind::oci_archive || p.keep > 0))
      error(n["prune"], path + ".prune",
            "each run writes a complete new " + std::string(p.keep ? "snapshot" : "archive") +
                ", so there is nothing to prune");
    if (!p.from.registry.empty() && p.from.registry == p.to.registry &&
        (p.from.path == p.to.path || policy::relative_to(p.from.path, p.to.path)))
      error(n["to"], path + ".to",
            "lies inside `from` (" + p.from.str() + "): every run would mirror the mirror again");
    c.policies.push_back(std::move(p));
  }

  load_result load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      return {std::nullopt, {{file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax: " + e.msg}}};
    }
    try {
      return load_tree(root);
    } catch (const YAML::Exception& e) {  // a key that is not a scalar, say
      return {std::nullopt, {{file, e.mark.line + 1, e.mark.column + 1, "", e.msg}}};
    }
  }

  load_result load_tree(const YAML::Node& root) {
    mirror_config c;
    c.file = file;
    if (!root.IsMap())
      return {std::nullopt, {{file, 0, 0, "", "the file must be a YAML mapping with registries and policies"}}};
    check_duplicates(root, "");
    check_map(root, "", {"state_dir", "registries", "policies", "daemon"});
    if (root["daemon"]) detail::parse_daemon(*this, root["daemon"], c.daemon);
    c.state_dir = "/var/lib/ocimirror";
    if (root["state_dir"])
      if (auto s = str(root["state_dir"], "state_dir")) c.state_dir = *s;
    if (auto regs = root["registries"]) {
      if (!regs.IsMap())
        error(regs, "registries", "must be a mapping of HOST[:PORT] to settings");
      else
        for (const auto& kv : regs) parse_registry(kv.first, kv.second, c);
    }
    auto pols = root["policies"];
    if (!pols)
      error(root, "policies", "missing: a list of policies");
    else if (!pols.IsSequence() || pols.size() == 0)
      error(pols, "policies", "must be a non-empty list");
    else {
      std::set<std::string> names;
      for (std::size_t i = 0; i < pols.size(); ++i)
        parse_policy(pols[i], "policies[" + std::to_string(i) + "]", c, names);
      if (c.policies.size() == pols.size())
        for (std::size_t j = 1; j < pols.size(); ++j)
          for (std::size_t i = 0; i < j; ++i)
            if (auto both = shared_destination(c.policies[i], c.policies[j]))
              error(pols[j]["to"], "policies[" + std::to_string(j) + "].to",
                    "policy " + c.policies[j].name + " can write the same repositories as policy " +
                        c.policies[i].name + " (line " + std::to_string(c.policies[i].line) + "), e.g. " + *both +
                        ": one would overwrite the other's tags; give them destinations that cannot meet");
    }
    if (!errors.empty()) {
      std::stable_sort(errors.begin(), errors.end(), [](const diagnostic& a, const diagnostic& b) {
        return std::tie(a.line, a.col) < std::tie(b.line, b.col);
      });
      return {std::nullopt, std::move(errors)};
    }
    return {std::move(c), {}};
  }
};

}  // namespace

load_result load_config_text(const std::string& text, const std::string& name, const env_lookup& env) {
  return loader{{name, env, {}}}.load(text);
}

load_result load_config_file(const std::string& path, const env_lookup& env) {
  std::ifstream in(path);
  if (!in) return {std::nullopt, {{path, 0, 0, "", "cannot read the file"}}};
  std::stringstream ss;
  ss << in.rdbuf();
  return load_config_text(ss.str(), path, env);
}

}  // namespace ocimirror::config
