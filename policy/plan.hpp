#pragma once
// The plan of one policy run: for every selected source tag, copy / overwrite / unchanged / kept, and the
// destination tags to prune. Pure: the caller supplies what the registries and the sync state said.
#include "transfer/oci/manifest.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ocimirror::policy {

enum class action {
  copy,       ///< the destination has no such tag
  overwrite,  ///< the destination tag points elsewhere and overwrite is "changed"
  unchanged,  ///< the destination already has what the source has
  kept,       ///< the destination differs but overwrite is "never"
  prune,      ///< this policy mirrored the tag, and it has left the source
};
const char* to_string(action a);

struct plan_item {
  action what = action::copy;
  std::string source_repo, destination_repo, tag;
  std::string source_digest;       ///< empty for prune
  std::string destination_digest;  ///< what the destination has now (empty: nothing)
  bool cached = false;             ///< decided from the cache, without asking the destination
};

/// What we know of one destination tag before deciding.
struct tag_facts {
  std::string source_digest;
  std::optional<std::string> destination_digest;  ///< HEAD of the destination tag
  /// From the sync state: the source digest last mirrored and the destination digest it became (they differ when
  /// platforms were filtered).
  std::optional<std::pair<std::string, std::string>> last_mirrored;
};

/// The type a policy's artifact_types filter sees: artifactType, else the config's media type (Helm charts, Flux
/// artifacts, images), else the manifest's own media type (indexes).
std::string artifact_type_of(const transfer::manifest& m);
/// include empty: every type; exclude wins over include.
bool type_selected(const std::string& type, const std::vector<std::string>& include,
                   const std::vector<std::string>& exclude);

/// Decides one tag. `filtered`: the policy selects platforms, so an index's destination digest may differ.
action decide(const tag_facts& f, bool overwrite_changed);

}  // namespace ocimirror::policy
