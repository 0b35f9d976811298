#pragma once
// A policy's `rename:`: where a repository lands under `to` when not at its own name. A rule names one repository
// ("app" -> "application") or, ending in '/', a folder ("team/" -> "apps/"; "team/" -> "" flattens it). The exact
// rule wins, then the longest folder; a name no rule matches keeps its own. Pure, unit-tested without sockets.
#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::policy {

class rename_rules {
 public:
  struct rule {
    std::string from, to;  ///< both relative: `from` to the policy's `from`, `to` to its `to`
  };
  /// Checks each rule: names in the repository grammar, a folder renamed to a folder, no source named twice and no
  /// two repositories renamed to one name. The error names the rule.
  static boost::system::result<rename_rules, std::string> parse(std::vector<rule> rules);

  /// Where `relative` (a name under the policy's `from`) lands, relative to its `to`.
  std::string apply(std::string_view relative) const;
  /// Every source name that apply() sends to `destination` (relative names; at most one per rule, plus the name
  /// itself when no rule takes it away).
  std::vector<std::string> sources_of(std::string_view destination) const;
  const std::vector<rule>& rules() const { return rules_; }
  bool empty() const { return rules_.empty(); }

 private:
  std::vector<rule> rules_;
};

}  // namespace ocimirror::policy
