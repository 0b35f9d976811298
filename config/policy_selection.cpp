// What a policy selects: repositories (a list, or include/exclude), renames, tags, platforms, artifact types.
#include "config/policy_reader.hpp"

#include "policy/regex.hpp"

#include <map>

namespace ocimirror::config::detail {

namespace {
/// Tag patterns are regular expressions, but `*-stable` is a glob: say which regex the glob means.
std::string glob_hint(const std::string& text) {
  if (text.find('*') == std::string::npos && text.find('?') == std::string::npos) return {};
  std::string re = "^";
  for (char c : text) {
    if (c == '*')
      re += ".*";
    else if (c == '?')
      re += '.';
    else if (std::string_view("\\.^$+()[]{}|").find(c) != std::string_view::npos)
      re += std::string("\\") + c;
    else
      re += c;
  }
  re += '$';
  return "; tag patterns are regular expressions, not globs: for the glob '" + text + "' write '" + re + "'";
}
}  // namespace

std::vector<std::regex> policy_reader::regexes(const YAML::Node& n, const std::string& path) {
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
      error(n[i], path + "[" + std::to_string(i) + "]",
            "invalid regular expression '" + *s + "': " + re.error() + glob_hint(*s));
  }
  return out;
}

std::vector<policy::repo_pattern> policy_reader::repo_patterns(const YAML::Node& list, const std::string& path) {
  std::vector<policy::repo_pattern> out;
  if (!list.IsSequence() || list.size() == 0) {
    error(list, path, "must be a non-empty list of globs or regex:...");
    return out;
  }
  for (std::size_t i = 0; i < list.size(); ++i)
    if (auto s = str(list[i], path + "[" + std::to_string(i) + "]")) {
      auto pat = policy::repo_pattern::parse(*s);
      if (pat)
        out.push_back(*pat);
      else
        error(list[i], path + "[" + std::to_string(i) + "]", pat.error());
    }
  return out;
}

/// repositories: [PATTERN...] or {include: [...], exclude: [...]}; omitted: every repository under `from`.
void policy_reader::parse_repositories(const YAML::Node& n, const std::string& path, policy_config& p) {
  const auto r = n["repositories"];
  if (!r) return;
  const auto rp = path + ".repositories";
  if (r.IsSequence()) {
    p.repositories = repo_patterns(r, rp);
  } else if (r.IsMap()) {
    if (!check_map(r, rp, "repositories")) return;
    if (r["include"]) p.repositories = repo_patterns(r["include"], rp + ".include");
    if (r["exclude"]) p.repositories_exclude = repo_patterns(r["exclude"], rp + ".exclude");
    if (!r["include"] && !r["exclude"]) error(r, rp, "give include, exclude or both (omit it to mirror everything)");
  } else {
    error(r, rp, "must be a list of patterns, or include/exclude (omit it to mirror every repository)");
  }
}

/// rename: [{from: NAME|FOLDER/, to: NAME|FOLDER/|""}...], checked whole and against the named repositories.
void policy_reader::parse_rename(const YAML::Node& r, const std::string& rp, policy_config& p) {
  if (!r.IsSequence() || r.size() == 0) {
    error(r, rp, "must be a list of {from: NAME, to: NAME} (a folder: from: team/, to: apps/)");
    return;
  }
  std::vector<policy::rename_rules::rule> rules;
  for (std::size_t i = 0; i < r.size(); ++i) {
    const auto ip = rp + "[" + std::to_string(i) + "]";
    if (!check_map(r[i], ip, "rename")) continue;
    if (!r[i]["from"] || !r[i]["to"]) {
      error(r[i], ip, "needs from and to");
      continue;
    }
    auto from = str(r[i]["from"], ip + ".from");
    auto to = str(r[i]["to"], ip + ".to");
    if (!from || !to) continue;
    if (!from->ends_with('/') && !p.picks(*from))
      error(r[i]["from"], ip + ".from", "'" + *from + "' is not a repository this policy selects");
    rules.push_back({*from, *to});
  }
  if (rules.size() != r.size()) return;
  auto parsed = policy::rename_rules::parse(std::move(rules));
  if (!parsed) {
    error(r, rp, parsed.error());
    return;
  }
  p.rename = std::move(*parsed);
  // Named repositories that would meet at one destination: known now, so refused now.
  std::map<std::string, std::string> landing;
  for (const auto& pat : p.repositories)
    if (auto lit = pat.literal(); lit && p.picks(*lit)) {
      auto [at, fresh] = landing.emplace(p.rename.apply(*lit), *lit);
      if (!fresh)
        error(r, rp, "repositories '" + at->second + "' and '" + *lit + "' would both land at '" + at->first + "'");
    }
}

/// What the policy selects within each repository: tags, platforms, artifact types.
void policy_reader::parse_selection(const YAML::Node& n, const std::string& path, policy_config& p) {
  if (auto t = n["tags"]) parse_tags(t, path + ".tags", p);
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
    if (check_map(a, path + ".artifact_types", "artifact_types")) {
      if (a["include"]) p.types_include = str_list(a["include"], path + ".artifact_types.include");
      if (a["exclude"]) p.types_exclude = str_list(a["exclude"], path + ".artifact_types.exclude");
    }
  }
}

void policy_reader::parse_tags(const YAML::Node& t, const std::string& tp, policy_config& p) {
  if (check_map(t, tp, "tags")) {
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

}  // namespace ocimirror::config::detail
