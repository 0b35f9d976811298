#include "policy/plan.hpp"

#include <algorithm>

namespace ocimirror::policy {

const char* to_string(action a) {
  switch (a) {
    case action::copy:
      return "copy";
    case action::overwrite:
      return "overwrite";
    case action::unchanged:
      return "unchanged";
    case action::kept:
      return "kept";
    case action::prune:
      return "prune";
  }
  return "?";
}

std::string artifact_type_of(const transfer::manifest& m) {
  if (!m.artifact_type.empty()) return m.artifact_type;
  if (m.config) return m.config->media_type;
  return m.media_type;
}

bool type_selected(const std::string& type, const std::vector<std::string>& include,
                   const std::vector<std::string>& exclude) {
  if (std::find(exclude.begin(), exclude.end(), type) != exclude.end()) return false;
  return include.empty() || std::find(include.begin(), include.end(), type) != include.end();
}

action decide(const tag_facts& f, bool overwrite_changed) {
  if (!f.destination_digest) return action::copy;
  if (*f.destination_digest == f.source_digest) return action::unchanged;
  // A filtered index: unchanged when the source is what we last mirrored and the destination is what it became.
  if (f.last_mirrored && f.last_mirrored->first == f.source_digest && f.last_mirrored->second == *f.destination_digest)
    return action::unchanged;
  return overwrite_changed ? action::overwrite : action::kept;
}

}  // namespace ocimirror::policy
