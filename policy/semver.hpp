#pragma once
// Semantic versions as tags spell them ("v1.2.3", "1.2.3-rc.1+build", "1.2") and the ranges a policy's `semver:`
// writes, for select_tags (select.hpp). Pure.
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::policy {

struct semver {
  long major = 0, minor = 0, patch = 0;
  std::vector<std::string> prerelease;  ///< dot-separated identifiers; empty for a release
  std::string text;                     ///< the tag as written
};
/// "v1.2.3", "1.2.3-rc.1+build", "1.2" (patch 0) and "1" parse; anything else is not a version.
std::optional<semver> parse_semver(std::string_view tag);
/// SemVer 2.0 precedence: -1, 0, 1.
int compare(const semver& a, const semver& b);

/// A range: comparator sets joined by "||", each a space-separated AND of ">=1.2.0", "<3", "=1.4.0", "1.4",
/// "~1.2" (>=1.2.0 <1.3.0), "^1.2.3" (>=1.2.3 <2.0.0), "1.x". Pre-releases match only when the range names one.
class semver_range {
 public:
  static boost::system::result<semver_range, std::string> parse(std::string_view text);
  bool contains(const semver& v) const;

 private:
  struct comparator {
    enum class op { lt, le, gt, ge, eq } how;
    semver v;
  };
  std::vector<std::vector<comparator>> sets_;
};

}  // namespace ocimirror::policy
