#pragma once
// Flux artifacts and Helm charts as `flux push artifact` and `helm push` make them: a reproducible tar.gz of a
// directory (entries sorted, times, owners and modes fixed), the manifests with their media types and annotations,
// and the reverse: a layer extracted into a directory without anything escaping it.
#include "transfer/manifest.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace ocimirror::transfer::artifact {

namespace media {
inline constexpr std::string_view flux_config = "application/vnd.cncf.flux.config.v1+json";
inline constexpr std::string_view flux_content = "application/vnd.cncf.flux.content.v1.tar+gzip";
inline constexpr std::string_view helm_config = "application/vnd.cncf.helm.config.v1+json";
inline constexpr std::string_view helm_chart = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// What helm 3.0-3.7 pushed as the chart layer; helm still pulls it, with a warning.
inline constexpr std::string_view helm_chart_legacy = "application/tar+gzip";
}  // namespace media

/// gzip of data, deterministic (no name, mtime 0, level 9).
std::string gzip(std::string_view data);
/// Inflates a gzip file into out_path, refusing more than max_bytes. Throws transfer::error (bad_archive, too_large).
void gunzip_file(const std::string& in_path, const std::string& out_path, std::uint64_t max_bytes);

/// The directory as a tar: regular files and directories only (a symlink or device is refused, naming it), sorted
/// by path, mode 0644 (0755 when executable, and for directories), owner 0:0, mtime 0. Same tree, same bytes.
std::string tar_directory(const std::string& dir);

/// Extracts a tar file into dir, which must not exist yet: written under dir.partial-PID and renamed when whole.
/// Directories (empty ones included) and files keep the archive's permission bits (at most 0777); PAX headers and
/// a root "./" entry (what Go's and flux's tar writers produce) are read. Links, devices, absolute names and '..'
/// are refused before anything is written. Returns the files written.
std::size_t extract(const std::string& tar_path, const std::string& dir);

struct blob {
  std::string media_type, bytes, digest;
};
struct built {
  blob config, layer;
  std::string manifest;  ///< OCI image manifest bytes
  std::string tag;       ///< helm: the chart version with '+' as '_'
  std::string name;      ///< helm: the chart name (the last path segment of the repository)
};

/// A Flux artifact: config `{}`, one tar.gz layer, annotations org.opencontainers.image.{created,source,revision}
/// plus `extra` (sorted). created: RFC 3339.
built flux(const std::string& tar_gz, const std::string& source, const std::string& revision, const std::string& created,
           const std::vector<std::pair<std::string, std::string>>& extra);

/// A Helm chart: config = Chart.yaml's metadata as JSON (config_json), one layer = the .tgz as it is, annotations
/// org.opencontainers.image.{title,version,description} as helm push writes them; tag = version with '+' as '_'.
built helm(const std::string& chart_tgz, const std::string& name, const std::string& version,
           const std::string& config_json, const std::string& description);

}  // namespace ocimirror::transfer::artifact
