#pragma once
// What one registry family does differently from the distribution spec, as data: how it takes uploads, whether
// it has the referrers API and a catalog, how its tag lists and tags behave. Chosen by host (ECR, ACR, GHCR,
// Docker Hub, GAR, Quay, Artifactory, GitLab) or by `profile:` in the config; an unknown registry gets `generic`,
// which is the spec and nothing else. Each family's behaviour cites its public source in profile.cpp and
// ../shared/REGISTRIES.md. Pure.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

struct upload_options {
  std::uint64_t monolithic_max = 32u << 20;  ///< blobs up to this size go in one PUT; larger ones through PATCH
  std::uint64_t chunk_size = 0;              ///< 0: one streamed PATCH for the whole blob; else PATCH per chunk
};

struct registry_profile {
  std::string_view name;    ///< as `profile:` names it: "ecr"
  std::string_view family;  ///< as messages name it: "AWS ECR"

  /// Uploads. put_only: every blob goes in one POST + one PUT (chunked uploads unreliable or refused).
  /// patch_only: a PUT may not carry the blob (the bytes go in PATCH). body_max: no one request may carry more.
  bool put_only = false;
  bool patch_only = false;
  std::uint64_t body_max = std::numeric_limits<std::uint64_t>::max();

  /// Reads. referrers_api false: the registry has no referrers API (asking costs a request and may be throttled),
  /// so referrers are found through their fallback tags. catalog false: there is no /v2/_catalog.
  bool referrers_api = true;
  bool catalog = true;
  /// The tag list may hold digests ("sha256:..."), which are not tags: they are dropped, not a corrupt page.
  bool digests_in_tags = false;

  /// Writes. immutable_tags: a manifest PUT to a tag that exists fails even with the same digest: the tag is read
  /// back and the same digest counts as done. manifest_lag: a manifest PUT may call a blob committed moments ago
  /// unknown (MANIFEST_BLOB_UNKNOWN): it is asked again after a short pause. repositories_must_exist: a push to a
  /// missing repository fails; the error names the repository and `create_repositories`.
  bool immutable_tags = false;
  bool manifest_lag = false;
  bool repositories_must_exist = false;

  /// The upload strategy for this registry from what the command line or config asked for.
  upload_options uploads(upload_options asked) const;
};

/// The profile `profile:` names (`generic`, `distribution`, `ecr`, `acr`, `ghcr`, `dockerhub`, `gar`, `quay`,
/// `harbor`, `artifactory`, `gitlab`); nullptr for an unknown name.
const registry_profile* profile_named(std::string_view name);
/// The profile a registry's host ("host" or "host:port") implies; `generic` when none matches.
const registry_profile& profile_for_host(std::string_view registry);
/// Every name profile_named() takes, for messages.
std::vector<std::string_view> profile_names();

}  // namespace ocimirror::transfer
