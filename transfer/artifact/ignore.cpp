// go-git plumbing/format/gitignore/pattern.go (ParsePattern, simpleNameMatch, globMatch) and matcher.go.
#include "transfer/artifact/ignore.hpp"

#include <fnmatch.h>

namespace ocimirror::transfer::ignore {
namespace {

bool name_match(const std::string& pattern, const std::string& name) {
  return ::fnmatch(pattern.c_str(), name.c_str(), 0) == 0;  // filepath.Match: '*' and '?' never cross '/'
}

}  // namespace

const std::vector<std::string>& flux_defaults() {
  static const std::vector<std::string> d{".git/", ".gitignore", ".gitmodules", ".gitattributes", "*.jpg",    "*.jpeg",
                                          "*.gif", "*.png",      "*.wmv",       "*.flv",          "*.tar.gz", "*.zip"};
  return d;
}

matcher::matcher(const std::vector<std::string>& lines) {
  for (std::string p : lines) {
    if (p.empty() || p[0] == '#' || p.find_first_not_of(" \t\r\n\v\f") == std::string::npos) continue;
    pattern x;
    if (p[0] == '!') x.include = true, p.erase(0, 1);
    if (!(p.size() >= 2 && p.compare(p.size() - 2, 2, "\\ ") == 0))
      while (!p.empty() && p.back() == ' ') p.pop_back();
    if (!p.empty() && p.back() == '/') x.dir_only = true, p.pop_back();
    x.glob = p.find('/') != std::string::npos;
    for (std::size_t start = 0;;) {
      const auto slash = p.find('/', start);
      x.segments.push_back(p.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    patterns_.push_back(std::move(x));
  }
}

bool matcher::simple_match(const pattern& p, const std::vector<std::string>& path, bool is_dir) {
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (!name_match(p.segments[0], path[i])) continue;
    if (p.dir_only && !is_dir && i == path.size() - 1) return false;
    return true;
  }
  return false;
}

bool matcher::glob_match(const pattern& p, const std::vector<std::string>& full, bool is_dir) {
  std::size_t at = 0;  // the next unmatched segment of the path
  bool matched = false, traverse = false;
  for (std::size_t i = 0; i < p.segments.size(); ++i) {
    const auto& seg = p.segments[i];
    if (seg.empty()) {
      traverse = false;
      continue;
    }
    if (seg == "**") {
      if (i == p.segments.size() - 1) break;
      traverse = true;
      continue;
    }
    if (seg.find("**") != std::string::npos) return false;
    if (at == full.size()) return false;
    if (traverse) {
      traverse = false;
      while (at < full.size()) {
        const auto& e = full[at++];
        if (name_match(seg, e)) {
          matched = true;
          break;
        }
        if (at == full.size()) matched = false;
      }
    } else {
      if (!name_match(seg, full[at])) return false;
      matched = true;
      ++at;
    }
  }
  if (matched && p.dir_only && !is_dir && at == full.size()) matched = false;
  return matched;
}

bool matcher::excluded(const std::vector<std::string>& path, bool is_dir) const {
  if (path.empty()) return false;  // the root itself (go-git: a path no longer than the domain never matches)
  for (auto it = patterns_.rbegin(); it != patterns_.rend(); ++it) {
    const bool hit = it->glob ? glob_match(*it, path, is_dir) : simple_match(*it, path, is_dir);
    if (hit) return !it->include;
  }
  return false;
}

}  // namespace ocimirror::transfer::ignore
