#pragma once
// What refers to a manifest: the OCI 1.1 referrers API, its fallback tag `sha256-<hex>` (an index of referrer
// descriptors), and cosign's tags `sha256-<hex>.sig|.att|.sbom`. The parsing and merging here are pure; the network
// side is registry_client::referrers (in referrers.cpp) and copy_referrers (referrers_copy.cpp).
#include "transfer/oci/manifest.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer::referrers {

/// "sha256-<hex>": the tag registries without the referrers API hold the referrers index under.
std::string fallback_tag(std::string_view digest);
/// cosign's signature, attestation and SBOM tags for digest.
std::vector<std::string> cosign_tags(std::string_view digest);
/// True for a tag that is a fallback or cosign tag of some digest.
bool is_referrer_tag(std::string_view tag);

/// The descriptors of a referrers response or fallback index. An error when the body is not an OCI image index
/// (then the referrers endpoint counts as unsupported).
boost::system::result<std::vector<descriptor>, std::string> parse_index(std::string_view body);

/// The descriptor a referrer gets in an index: its media type, digest and size, its artifactType (the manifest's, or
/// its config's media type) and its annotations.
descriptor describe(const manifest& m, std::string_view bytes, std::string_view digest);

/// The fallback index `existing` (empty: none yet) with d added: an entry of the same digest is replaced, every other
/// entry and its annotations kept, in order.
std::string merge_fallback(std::string_view existing, const descriptor& d);

/// Which referrers a policy copies: all, none, or those whose artifactType an include/exclude list selects.
struct filter {
  bool enabled = true;
  std::vector<std::string> include, exclude;
  bool wants(std::string_view artifact_type) const;
};

}  // namespace ocimirror::transfer::referrers
