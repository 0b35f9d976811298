#pragma once
// Platform selection for index children: "os/arch[/variant]" patterns and how they match a descriptor. Pure.
#include "transfer/oci/manifest.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::policy {

struct platform_pattern {
  std::string os, architecture, variant;  ///< variant empty: any variant
  std::string str() const;
};

/// Parses "linux/amd64", "linux/arm64/v8", "linux/arm/v7". Errors name the bad part.
boost::system::result<platform_pattern, std::string> parse_platform(std::string_view text);

/// True when the descriptor's platform matches any pattern. A child without a platform (an attestation manifest,
/// say) matches only when `keep_unplatformed` is set.
bool platform_selected(const transfer::descriptor& d, const std::vector<platform_pattern>& want,
                       bool keep_unplatformed = false);

}  // namespace ocimirror::policy
