#pragma once
// What a policy selects: repositories by glob or regex relative to its `from`, tags by regex, semver range
// (semver.hpp) and latest-N, and where each lands at the destination. Pure functions, unit-tested without sockets.
#include "policy/semver.hpp"

#include <boost/system/result.hpp>

#include <optional>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::policy {

/// Glob over '/'-separated names: `*` and `?` stay within one path segment, `**` crosses segments.
bool glob_match(std::string_view pattern, std::string_view name);

/// A repository pattern: a glob, or a regex when written "regex:<ECMAScript>" (matched against the whole name).
class repo_pattern {
 public:
  static boost::system::result<repo_pattern, std::string> parse(std::string_view text);
  bool matches(std::string_view relative_name) const;
  /// The name itself when the pattern has no wildcard: such repositories are listed without the catalog.
  std::optional<std::string> literal() const;
  const std::string& text() const { return text_; }

 private:
  std::string text_;
  std::optional<std::regex> regex_;
};

struct tag_rules {
  std::vector<std::regex> include, exclude;  ///< include: any may match (none = all); exclude: none may
  std::optional<semver_range> range;
  std::optional<std::size_t> latest;  ///< newest N by semver after the other rules
};
/// The tags kept, in the order given (latest-N keeps them newest first). Non-semver tags fall out when a range or
/// latest is set.
/// A tag the rules left out, and which rule did: "include", "exclude", "semver" (not a version, or outside the
/// range) or "latest" (older than the newest N), with words for people in `why`.
struct dropped_tag {
  std::string tag;
  std::string rule, why;
};
std::vector<std::string> select_tags(const std::vector<std::string>& tags, const tag_rules& rules,
                                     std::vector<dropped_tag>* dropped = nullptr);

/// "charts/web" under from-namespace "acme" is "acme/charts/web"; the reverse gives the relative path.
std::string join_path(std::string_view prefix, std::string_view rest);
/// name relative to namespace ns ("" when ns is empty: the whole name); nullopt when name is outside ns.
std::optional<std::string> relative_to(std::string_view ns, std::string_view name);

}  // namespace ocimirror::policy
