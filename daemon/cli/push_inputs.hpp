#pragma once
// What `push` reads from disk before it talks to a registry: a packaged chart's metadata (as helm's loader reads
// the .tgz), the times helm and flux stamp on what they push, and the flags that shape a Flux artifact.
#include "transfer/artifact/helm_chart.hpp"

#include <map>
#include <string>
#include <vector>

namespace ocimirror::daemon {

/// Chart.yaml (and requirements.yaml) of a packaged chart, read and validated as helm's loader.LoadArchive does.
/// Throws transfer::error naming the file and helm's complaint.
transfer::helm::metadata read_chart(const std::string& tgz_path);

/// helm push's created annotation: the .tgz's modification time as Go's time.RFC3339 formats it in local time.
std::string file_time_rfc3339(const std::string& path);

/// $SOURCE_DATE_EPOCH as RFC 3339 (UTC), else 1970-01-01T00:00:00Z: ocimirror's reproducible default.
std::string created_default();

/// Flux's annotations (oci/meta.go ToAnnotations): created, source and revision, then each KEY=VALUE the user gave,
/// which may replace them. Throws po-style std::invalid_argument for an entry without '='.
std::map<std::string, std::string> flux_annotations(const std::string& created, const std::string& source,
                                                    const std::string& revision, const std::vector<std::string>& extra);

}  // namespace ocimirror::daemon
