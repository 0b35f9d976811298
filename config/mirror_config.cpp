#include "config/mirror_config.hpp"

#include "transfer/net/file_io.hpp"
#include "transfer/net/proxy.hpp"
#include "transfer/oci/errors.hpp"

#include "config/overlap.hpp"
#include "config/policy_reader.hpp"
#include "config/yaml_reader.hpp"

#include "transfer/oci/reference.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>
#include <tuple>
#include <vector>

namespace ocimirror::config {

std::string diagnostic::str() const {
  std::string s = file;
  if (line > 0) s += ":" + std::to_string(line) + ":" + std::to_string(col);
  s += ": ";
  if (!path.empty()) s += path + ": ";
  return s + message;
}

bool policy_config::picks(std::string_view relative) const {
  for (const auto& pat : repositories_exclude)
    if (pat.matches(relative)) return false;
  if (repositories.empty()) return true;
  for (const auto& pat : repositories)
    if (pat.matches(relative)) return true;
  return false;
}

const policy_config* mirror_config::find(const std::string& name) const {
  for (const auto& p : policies)
    if (p.name == name) return &p;
  return nullptr;
}

namespace {

struct loader : detail::policy_reader {
  /// create_repositories and ecr_repository: for ECR registries only.
  void parse_ecr(const YAML::Node& n, const std::string& path, const std::string& name, registry_settings& s) {
    if (n["create_repositories"])
      if (auto b = boolean(n["create_repositories"], path + ".create_repositories")) s.create_repositories = *b;
    const bool ecr = s.profile.empty() ? transfer::profile_for_host(name).name == "ecr" : s.profile == "ecr";
    if ((s.create_repositories || n["ecr_repository"]) && !ecr)
      error(n["create_repositories"] ? n["create_repositories"] : n["ecr_repository"], path,
            "create_repositories and ecr_repository are for ECR registries (a *.dkr.ecr.*.amazonaws.com host, or "
            "profile: ecr)");
    const auto& e = n["ecr_repository"];
    if (!e || !check_map(e, path + ".ecr_repository", "ecr_repository")) return;
    auto& r = s.new_repositories;
    auto one_of = [&](const char* key, std::initializer_list<const char*> allowed, std::string& out) {
      if (!e[key]) return;
      auto v = str(e[key], path + ".ecr_repository." + key);
      if (!v) return;
      for (const char* a : allowed)
        if (*v == a) out = *v;
      if (out.empty())
        error(e[key], path + ".ecr_repository." + key,
              "must be " + std::string(*allowed.begin()) + " or " + *(allowed.begin() + 1) + ", not '" + *v + "'");
    };
    one_of("tag_mutability", {"MUTABLE", "IMMUTABLE"}, r.tag_mutability);
    one_of("encryption", {"AES256", "KMS"}, r.encryption);
    if (e["scan_on_push"])
      if (auto b = boolean(e["scan_on_push"], path + ".ecr_repository.scan_on_push")) r.scan_on_push = *b;
    if (e["kms_key"])
      if (auto k = str(e["kms_key"], path + ".ecr_repository.kms_key")) {
        r.kms_key = *k;
        if (r.encryption != "KMS") error(e["kms_key"], path + ".ecr_repository.kms_key", "needs encryption: KMS");
      }
  }

  /// client_cert and client_key, both or neither, each a readable regular file (checked whole when first used).
  void parse_client_cert(const YAML::Node& n, const std::string& path, registry_settings& s) {
    if (!n["client_cert"] && !n["client_key"]) return;
    if (!n["client_cert"] || !n["client_key"]) {
      error(n, path, "client_cert and client_key go together");
      return;
    }
    for (const char* key : {"client_cert", "client_key"})
      if (auto f = str(n[key], path + "." + key)) {
        try {
          transfer::file::fd(transfer::open_regular(*f));
        } catch (const transfer::error& e) {
          error(n[key], path + "." + key, "cannot read '" + *f + "' (" + transfer::file::failure_reason(e, *f) + ")");
        }
        (std::string_view(key) == "client_cert" ? s.client_cert : s.client_key) = *f;
      }
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
    if (!check_map(n, path, "registry")) return;
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
        try {  // a regular file: a FIFO would hold the load (and a reload, on the daemon's loop) in open()
          transfer::file::fd(transfer::open_regular(*f));
        } catch (const transfer::error& e) {
          error(n["ca_file"], path + ".ca_file",
                "cannot read '" + *f + "' (" + transfer::file::failure_reason(e, *f) + ")");
        }
        s.ca_files.push_back(*f);
      }
    parse_client_cert(n, path, s);
    if (n["proxy"])
      if (auto v = str(n["proxy"], path + ".proxy")) {
        if (auto p = transfer::parse_proxy_url(*v); *v == "none" || p)
          s.proxy = *v;
        else
          error(n["proxy"], path + ".proxy", "'none' or http://[USER:PASSWORD@]HOST:PORT; this URL " + p.error());
      }
    if (n["profile"])
      if (auto v = str(n["profile"], path + ".profile")) {
        if (transfer::profile_named(*v)) {
          s.profile = *v;
        } else {
          std::string names;
          for (auto known : transfer::profile_names()) names += (names.empty() ? "" : ", ") + std::string(known);
          error(n["profile"], path + ".profile", "unknown registry profile '" + *v + "'; one of: " + names);
        }
      }
    parse_ecr(n, path, name, s);
    if (n["max_concurrency"])
      if (auto v = integer(n["max_concurrency"], path + ".max_concurrency", 1, 256))
        s.max_concurrency = static_cast<std::size_t>(*v);
    if (n["list_max_entries"])
      if (auto v = integer(n["list_max_entries"], path + ".list_max_entries", 1, 100'000'000))
        s.listing.max_entries = static_cast<std::size_t>(*v);
    if (n["list_max_pages"])
      if (auto v = integer(n["list_max_pages"], path + ".list_max_pages", 1, 10'000'000))
        s.listing.max_pages = static_cast<std::size_t>(*v);
    const bool has_user = bool(n["username"]), has_pass = n["password"] || n["password_file"];
    if (has_user != has_pass) error(key, path, "username and password (or password_file) go together");
    if (has_user && has_pass) {
      auto u = str(n["username"], path + ".username");
      auto p = secret(n, path, "password");
      if (u && p) c.credentials[name] = transfer::credentials{*u, *p, {}};
    }
    c.registries.by_registry[name] = s;
  }

  load_result load(const std::string& text) {
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
      return {std::nullopt,
              {{file, e.mark.line + 1, e.mark.column + 1, "", "YAML syntax: " + e.msg + flow_hint(text, e.mark.line)}}};
    }
    try {
      return load_tree(root);
    } catch (const YAML::Exception& e) {  // a key that is not a scalar, say
      return {std::nullopt, {{file, e.mark.line + 1, e.mark.column + 1, "", e.msg}}};
    }
  }

  /// In a flow mapping ({a: b}), an unquoted ${VAR}'s braces are YAML's own: the usual cause of a bare YAML error
  /// on a line (or the line before) that holds one.
  static std::string flow_hint(const std::string& text, int line) {
    std::vector<std::string_view> lines;
    for (std::size_t at = 0; at <= text.size();) {
      const auto end = std::min(text.find('\n', at), text.size());
      lines.push_back(std::string_view(text).substr(at, end - at));
      at = end + 1;
    }
    for (int l = std::max(line - 1, 0); l <= line && l < static_cast<int>(lines.size()); ++l) {
      const auto v = lines[static_cast<std::size_t>(l)];
      const auto var = v.find("${");
      if (var == std::string_view::npos) continue;
      const auto flow = v.find_first_of("{[");
      if (flow < var || v.find_first_of("{[", var + 2) != std::string_view::npos)
        return " (a ${VAR} inside a flow mapping `{...}` or list `[...]` must be quoted: \"${VAR}\")";
    }
    return {};
  }

  /// "~" and "~/x" as a shell would say them ($HOME), since YAML keeps them literal and a directory named "~"
  /// would appear; "~user" is refused rather than guessed.
  std::string home_expanded(const YAML::Node& at, const std::string& path) {
    if (!path.starts_with("~")) return path;
    const char* process_home = std::getenv("HOME");
    const auto home_value = env ? env("HOME") : process_home ? std::optional<std::string>(process_home) : std::nullopt;
    const char* home = home_value ? home_value->c_str() : nullptr;
    if (path != "~" && !path.starts_with("~/")) {
      error(at, "state_dir", "'" + path + "': only ~ and ~/PATH are expanded; write the whole path");
      return path;
    }
    if (!home || !*home) {
      error(at, "state_dir", "'" + path + "' needs $HOME, which is not set; write the whole path");
      return path;
    }
    return std::string(home) + path.substr(1);
  }

  load_result load_tree(const YAML::Node& root) {
    mirror_config c;
    c.file = file;
    c.registries.from_file = true;
    if (!root.IsMap())
      return {std::nullopt, {{file, 0, 0, "", "the file must be a YAML mapping with registries and policies"}}};
    check_duplicates(root, "");
    check_map(root, "", "file");
    if (root["daemon"]) detail::parse_daemon(*this, root["daemon"], c.daemon);
    c.state_dir = "/var/lib/ocimirror";
    if (root["state_dir"] && root["state_dir"].IsNull())
      error(root["state_dir"], "state_dir",
            "is empty (a bare ~ is YAML's null): write \"~\" or ~/PATH for the home "
            "directory, or the whole path");
    else if (root["state_dir"])
      if (auto s = str(root["state_dir"], "state_dir")) c.state_dir = home_expanded(root["state_dir"], *s);
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
      // Defaults with a problem of their own are reported once, under `defaults`, and not inherited.
      const YAML::Node defaults =
          root["defaults"] && check_defaults(root["defaults"]) ? root["defaults"] : YAML::Node();
      std::set<std::string> names;
      for (std::size_t i = 0; i < pols.size(); ++i)
        parse_policy(pols[i], defaults, "policies[" + std::to_string(i) + "]", c, names);
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
  return loader{{{name, env, {}}}}.load(text);
}

load_result load_config_file(const std::string& path, const env_lookup& env) {
  std::string text;
  try {  // a regular file only: a FIFO would hold a reload (and the daemon's loop) in open()
    text = transfer::file::read_file(path, std::size_t(16) << 20);
  } catch (const transfer::error& e) {
    return {std::nullopt, {{path, 0, 0, "", "cannot read the file (" + transfer::file::failure_reason(e, path) + ")"}}};
  }
  return load_config_text(text, path, env);
}

}  // namespace ocimirror::config
