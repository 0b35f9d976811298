#pragma once
// The reliability data set: many small repositories of every kind (OCI and Docker images sharing base layers,
// multi-arch indexes, Helm charts, Flux artifacts), so that a sync makes many requests of every sort while moving
// little data. Deterministic: the same count gives the same digests.
#include "tests/support/seed.hpp"

#include <string>
#include <vector>

namespace ocimirror::testing {

struct fleet_tag {
  std::string repo, tag, digest;
};

/// Seeds `repos` repositories of two tags each under fleet/ into the registry (plain HTTP unless target says).
std::vector<fleet_tag> seed_fleet(const seed_target& target, int repos);

/// The planning-scale data set: `repos` repositories under scale/ of `tags` tags each, every tag its own small
/// image manifest (one config blob per repository, no layers): many tags, next to no bytes.
void seed_scale(const seed_target& target, int repos, int tags);

}  // namespace ocimirror::testing
