#pragma once
// Flux artifacts and Helm charts as `flux push artifact` and `helm push` make them: the config, layers and
// manifest bytes as their Go code marshals them, and the reverse: a layer extracted into a directory without
// anything escaping it (unpack.hpp).
#include "transfer/artifact/helm_chart.hpp"
#include "transfer/oci/manifest.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::transfer::file {
struct temp_file;
}

namespace ocimirror::transfer::artifact {

namespace media {
inline constexpr std::string_view flux_config = "application/vnd.cncf.flux.config.v1+json";
inline constexpr std::string_view flux_content = "application/vnd.cncf.flux.content.v1.tar+gzip";
inline constexpr std::string_view helm_config = "application/vnd.cncf.helm.config.v1+json";
inline constexpr std::string_view helm_chart = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
inline constexpr std::string_view helm_prov = "application/vnd.cncf.helm.chart.provenance.v1.prov";
/// What helm 3.0-3.7 pushed as the chart layer; helm still pulls it, with a warning.
inline constexpr std::string_view helm_chart_legacy = "application/tar+gzip";
}  // namespace media

/// gzip of data, deterministic (no name, mtime 0, level 9).
std::string gzip(std::string_view data);
/// Inflates a gzip file into a temporary file (file_io.hpp's make_temp_file), refusing more than max_bytes. Throws
/// transfer::error (bad_archive, too_large).
void gunzip_file(const std::string& in_path, const file::temp_file& out, std::uint64_t max_bytes);

struct blob {
  std::string media_type, bytes, digest;
  /// Set instead of bytes for a layer too large to hold (flux_pack.hpp): the bytes are in this file.
  std::shared_ptr<const file::temp_file> file;
  std::uint64_t file_size = 0;
  std::uint64_t size() const { return file ? file_size : bytes.size(); }
};
struct built {
  blob config;
  std::vector<blob> layers;  ///< helm: chart (and provenance), sorted by digest as helm sorts them; flux: one
  std::string manifest;      ///< OCI image manifest bytes, as Go's json.Marshal writes them
  std::string tag;           ///< helm: the chart version with '+' as '_'
  std::string name;          ///< helm: the chart name (the last path segment of the repository)
};

/// RFC 3339 as Go's time.Parse(time.RFC3339) accepts it, given back as time.Time marshals it (RFC3339Nano:
/// trailing zeros of the fraction dropped, a zero offset as "Z"). nullopt for anything else.
std::optional<std::string> rfc3339(std::string_view s);

/// A Flux artifact as fluxcd/pkg oci/push.go Push builds it with go-containerregistry: config
/// {"architecture":"","created":…,"history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers",
/// "diff_ids":[sha256 of tar]},"config":{}}, the gzip of tar as the layer, `annotations` on the manifest. The
/// annotations must hold org.opencontainers.image.created as RFC 3339 (checked by the caller).
built flux(const std::string& tar, const std::map<std::string, std::string>& annotations);
/// The same around a layer already packed (pack_flux: gzipped into a file as the tar was made), `diff_id` being the
/// digest of its tar.
built flux(blob layer, const std::string& diff_id, const std::map<std::string, std::string>& annotations);

/// A Helm chart as helm's pkg/registry Client.Push builds it: config = json.Marshal(Metadata), the chart .tgz as
/// it is, the provenance file when given, layers sorted by digest, generateOCIAnnotations on the manifest.
built helm(const std::string& chart_tgz, const std::optional<std::string>& prov, const helm::metadata& validated,
           const std::string& created);

}  // namespace ocimirror::transfer::artifact
