#include "policy/select.hpp"

#include "policy/regex.hpp"

#include <algorithm>

namespace ocimirror::policy {

bool glob_match(std::string_view p, std::string_view n) {
  if (p.empty()) return n.empty();
  if (p.starts_with("**")) {
    auto rest = p.substr(2);
    if (rest.starts_with('/') && glob_match(rest.substr(1), n)) return true;  // "a/**/b" matches "a/b"
    for (std::size_t i = 0; i <= n.size(); ++i)
      if (glob_match(rest, n.substr(i))) return true;
    return false;
  }
  if (p.front() == '*') {
    for (std::size_t i = 0; i <= n.size(); ++i) {
      if (glob_match(p.substr(1), n.substr(i))) return true;
      if (i < n.size() && n[i] == '/') break;  // one star stays within a segment
    }
    return false;
  }
  if (n.empty()) return false;
  if (p.front() == '?' ? n.front() == '/' : p.front() != n.front()) return false;
  return glob_match(p.substr(1), n.substr(1));
}

boost::system::result<repo_pattern, std::string> repo_pattern::parse(std::string_view text) {
  repo_pattern p;
  p.text_ = std::string(text);
  if (text.starts_with("regex:")) {
    auto re = compile_regex(text.substr(6));
    if (!re)
      return {boost::system::in_place_error, "invalid regex '" + std::string(text.substr(6)) + "': " + re.error()};
    p.regex_.emplace(std::move(*re));
  } else if (text.empty() || text.front() == '/' || text.back() == '/') {
    return {boost::system::in_place_error, "repository pattern '" + std::string(text) + "' must be a relative path"};
  }
  return p;
}

bool repo_pattern::matches(std::string_view name) const {
  if (regex_) return std::regex_match(name.begin(), name.end(), *regex_);
  return glob_match(text_, name);
}

std::optional<std::string> repo_pattern::literal() const {
  if (regex_ || text_.find_first_of("*?") != std::string::npos) return std::nullopt;
  return text_;
}

std::vector<std::string> select_tags(const std::vector<std::string>& tags, const tag_rules& rules,
                                     std::vector<dropped_tag>* dropped) {
  std::vector<std::string> kept;
  std::vector<semver> versions;
  const bool need_version = rules.range || rules.latest;
  auto drop = [dropped](const std::string& t, const char* rule, std::string why) {
    if (dropped) dropped->push_back({t, rule, std::move(why)});
  };
  for (const auto& t : tags) {
    if (!rules.include.empty() && std::none_of(rules.include.begin(), rules.include.end(),
                                               [&](const auto& r) { return std::regex_search(t, r); })) {
      drop(t, "include", "no `include` pattern matches it");
      continue;
    }
    if (std::any_of(rules.exclude.begin(), rules.exclude.end(),
                    [&](const auto& r) { return std::regex_search(t, r); })) {
      drop(t, "exclude", "an `exclude` pattern matches it");
      continue;
    }
    if (need_version) {
      auto v = parse_semver(t);
      if (!v) {
        drop(t, "semver",
             std::string("not a semantic version, which `") + (rules.range ? "semver" : "latest") + "` needs");
        continue;
      }
      if (rules.range && !rules.range->contains(*v)) {
        drop(t, "semver", "outside the `semver` range");
        continue;
      }
      versions.push_back(std::move(*v));
    }
    kept.push_back(t);
  }
  if (!rules.latest) return kept;
  std::stable_sort(versions.begin(), versions.end(),
                   [](const semver& a, const semver& b) { return compare(a, b) > 0; });
  if (versions.size() > *rules.latest) {
    for (auto v = versions.begin() + static_cast<std::ptrdiff_t>(*rules.latest); v != versions.end(); ++v)
      drop(v->text, "latest", "older than the newest " + std::to_string(*rules.latest) + " (`latest`)");
    versions.resize(*rules.latest);
  }
  kept.clear();
  for (auto& v : versions) kept.push_back(std::move(v.text));
  return kept;
}

std::string join_path(std::string_view prefix, std::string_view rest) {
  if (prefix.empty()) return std::string(rest);
  if (rest.empty()) return std::string(prefix);
  return std::string(prefix) + "/" + std::string(rest);
}

std::optional<std::string> relative_to(std::string_view ns, std::string_view name) {
  if (ns.empty()) return std::string(name);
  if (name.size() <= ns.size() || !name.starts_with(ns) || name[ns.size()] != '/') return std::nullopt;
  return std::string(name.substr(ns.size() + 1));
}

}  // namespace ocimirror::policy
