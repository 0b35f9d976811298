#pragma once
// Manifests and indexes as the registry serves them: media types, descriptors, and a parser that reads what a copy
// needs without ever re-serialising the bytes (the digest is of the bytes).
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocimirror::transfer {

namespace media {
inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_list = "application/vnd.docker.distribution.manifest.list.v2+json";
/// Sent on every manifest GET/HEAD: without it distribution 2.8 answers MANIFEST_UNKNOWN for OCI content.
inline constexpr std::string_view accept_all =
    "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, "
    "application/vnd.docker.distribution.manifest.v2+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json";
bool is_manifest(std::string_view media_type) noexcept;
bool is_index(std::string_view media_type) noexcept;
}  // namespace media

/// Caps on manifest bodies: what we accept from a source, and what a registry is sent.
inline constexpr std::size_t max_manifest_pull = 8u << 20;
inline constexpr std::size_t max_manifest_push = 4u << 20;
/// Indexes within indexes, at most this deep (real ones nest once or twice). Deeper is refused: each level costs
/// a coroutine frame and a request, and a hostile registry can nest without end.
inline constexpr int max_index_depth = 8;
/// Throws errc::bad_manifest when an index at `depth` (0: the top manifest) would descend past max_index_depth.
void check_index_depth(int depth, const std::string& where);

using annotations = std::vector<std::pair<std::string, std::string>>;

struct os_platform {
  std::string os, architecture, variant, os_version;
  std::string str() const;  ///< "linux/arm64/v8"
};

struct descriptor {
  std::string media_type;
  std::string digest;
  std::uint64_t size = 0;
  std::string artifact_type;
  std::optional<os_platform> platform;
  transfer::annotations annotations;
};

struct manifest {
  std::string media_type;  ///< always set: from the body, else the Content-Type, else inferred
  std::string artifact_type;
  std::optional<descriptor> config;   ///< image manifests
  std::vector<descriptor> layers;     ///< image manifests
  std::vector<descriptor> manifests;  ///< indexes
  std::optional<descriptor> subject;
  transfer::annotations annotations;

  bool is_index() const { return media::is_index(media_type); }
  /// Every blob the manifest references (config then layers); empty for an index.
  std::vector<const descriptor*> blobs() const;
};

/// Parses manifest bytes. content_type is the registry's Content-Type, used when the body has no mediaType.
/// Errors say what is wrong in one line (schema1, missing digest, invalid size...).
boost::system::result<manifest, std::string> parse_manifest(std::string_view bytes, std::string_view content_type);

/// A copy of an index keeping only the children keep() accepts, the source digest recorded in the annotation
/// "io.ocimirror.source.digest" for OCI indexes. Other fields keep their order and values.
std::string filter_index(std::string_view bytes, const std::vector<bool>& keep, std::string_view source_digest);

}  // namespace ocimirror::transfer
