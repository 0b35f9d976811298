#pragma once
// Builds test artifacts in a registry: images (OCI and Docker schema2), indexes and manifest lists, Helm charts,
// Flux-style artifacts, unknown artifact types, cosign-style signature tags, empty and very large blobs.
#include "daemon/run/session.hpp"
#include "transfer/oci/manifest.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ocimirror::testing {

struct seed_target {
  std::string registry;  ///< "127.0.0.1:5000"
  bool plain_http = true;
  std::string ca_file;
  std::optional<transfer::credentials> creds;
};

struct pushed {
  std::string digest, media_type;
  std::uint64_t size = 0;
  transfer::descriptor descriptor() const { return {media_type, digest, size, {}, {}, {}}; }
};

struct image_spec {
  bool docker = false;            ///< Docker schema2 instead of OCI
  std::string config_media_type;  ///< default per format
  std::string config = R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
  std::vector<std::pair<std::string, std::string>> layers;  ///< (media type, bytes)
  std::string artifact_type;
  transfer::annotations annotations;
};

class seeder {
 public:
  explicit seeder(seed_target t);
  ~seeder();

  pushed blob(const std::string& repo, const std::string& media_type, const std::string& bytes);
  /// A blob of `size` pseudo-random bytes, generated and streamed (never held in memory).
  pushed big_blob(const std::string& repo, const std::string& media_type, std::uint64_t size, std::uint64_t seed);
  pushed manifest(const std::string& repo, const std::string& tag, const std::string& bytes,
                  const std::string& media_type);
  /// Makes a blob pushed to from_repo available in repo (cross-repository mount); false when the registry refused.
  bool mount(const std::string& repo, const pushed& blob, const std::string& from_repo);
  daemon::session& session() { return *s_; }

  pushed image(const std::string& repo, const std::string& tag, const image_spec& spec);
  /// An index (or Docker manifest list) of children with their platforms.
  pushed index(const std::string& repo, const std::string& tag,
               const std::vector<std::pair<pushed, std::string /*os/arch[/variant]*/>>& children, bool docker = false);
  /// An SBOM (artifactType application/spdx+json) whose subject is `subject`, pushed by digest.
  pushed sbom(const std::string& repo, const pushed& subject, const std::string& content);
  /// The subject's referrers tag (sha256-<hex>) listing `referrers` (SBOMs), the index a registry without the
  /// referrers API is given.
  pushed referrers_index(const std::string& repo, const pushed& subject, const std::vector<pushed>& referrers);
  /// A cosign signature tag (sha256-<hex>.sig) for the subject digest: one simple-signing layer carrying
  /// `payload`, annotated with `signature` (base64), over an empty config.
  pushed cosign_signature(const std::string& repo, const std::string& subject_digest, const std::string& payload,
                          const std::string& signature);
  /// The same with the layer's annotations given whole (a keyless signature's certificate, chain, Rekor bundle).
  pushed cosign_signature(const std::string& repo, const std::string& subject_digest, const std::string& payload,
                          const transfer::annotations& annotations);
  /// The JSON of an image manifest over already-pushed config and layers.
  static std::string image_json(const image_spec& spec, const pushed& config, const std::vector<pushed>& layers);

 private:
  seed_target t_;
  std::unique_ptr<daemon::session> s_;
  transfer::reference ref(const std::string& repo) const;
};

/// Bytes of a deterministic pseudo-random stream: the same (seed, size) always gives the same bytes.
void fill_random(std::uint64_t& state, char* out, std::size_t n);
/// The digest of `size` bytes of the stream started from `seed` (what big_blob pushes for that seed).
std::string random_digest(std::uint64_t size, std::uint64_t seed);

}  // namespace ocimirror::testing
