#pragma once
// .gitignore patterns as flux applies them to `flux push artifact --ignore-paths` (fluxcd/pkg/sourceignore over
// go-git's plumbing/format/gitignore): the last pattern that matches decides, '!' re-includes, a trailing '/'
// matches directories only, a pattern without '/' matches any path segment, one with '/' is anchored at the root,
// '**' spans directories. Pure.
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer::ignore {

/// What flux excludes when --ignore-paths is not given: sourceignore.ExcludeVCS and ExcludeExt.
const std::vector<std::string>& flux_defaults();

class matcher {
 public:
  /// Lines as sourceignore.ReadPatterns reads them: blank lines and '#' comments skipped.
  explicit matcher(const std::vector<std::string>& lines);
  /// path: the segments below the root ("a/b.png" = {"a", "b.png"}).
  bool excluded(const std::vector<std::string>& path, bool is_dir) const;

 private:
  struct pattern {
    std::vector<std::string> segments;
    bool include = false, dir_only = false, glob = false;
  };
  static bool simple_match(const pattern& p, const std::vector<std::string>& path, bool is_dir);
  static bool glob_match(const pattern& p, const std::vector<std::string>& path, bool is_dir);
  std::vector<pattern> patterns_;
};

}  // namespace ocimirror::transfer::ignore
