#pragma once
// What the daemon remembers of a policy's runs: the summary of the last one (for /v1/status and the log line), and
// the file that carries the last start and last success across restarts (state_dir/daemon-status.json), so that an
// `every: 6h` policy of a daemon restarted hourly still runs every six hours. Pure apart from the file calls.
#include "daemon/run/sync_run.hpp"
#include "policy/next_run.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <map>
#include <optional>
#include <string>

namespace ocimirror::daemon {

struct run_record {
  policy::wall_time start, end;
  std::string trigger;  ///< "schedule", "start" (at_start), "resume" (the last run was interrupted) or "manual"
  std::string result;   ///< "success", "failure" (some tags failed), "empty" (selected nothing) or "interrupted"
  std::size_t copied = 0, unchanged = 0, pruned = 0, failed = 0, cache_hits = 0, interrupted = 0;
  std::size_t selected = 0;  ///< source tags the patterns and rules selected (0: the run selected nothing)
  std::size_t blobs_copied = 0, blobs_mounted = 0, blobs_skipped = 0;
  std::uint64_t bytes = 0;
  double seconds = 0;
  std::string error;  ///< the first failure, "what: message"
  /// The failures grouped by cause (kind and registry): [{kind, registry, count, message, what: [...]}], each
  /// group's names bounded; /v1/status shows them.
  boost::json::array failures;
};

run_record record_of(const policy_report& r, policy::wall_time start, policy::wall_time end, std::string trigger);
boost::json::object to_json(const run_record& r);
std::optional<run_record> run_record_from(const boost::json::value& v);

/// RFC 3339 UTC with seconds ("2026-11-23T10:00:00Z") and back.
std::string rfc3339(policy::wall_time t);
std::optional<policy::wall_time> parse_rfc3339(const std::string& s);
/// Seconds since 1970, as Prometheus timestamps are.
double unix_seconds(policy::wall_time t);

struct remembered {
  std::optional<run_record> last;
  std::optional<policy::wall_time> last_success;
};
using remembered_map = std::map<std::string, remembered>;

/// Reads state_dir/daemon-status.json; a missing or unreadable file is an empty map (it is only a hint).
remembered_map read_status_file(const std::string& state_dir);
/// Replaces the file atomically (write, fsync, rename). False when it could not be written.
bool write_status_file(const std::string& state_dir, const remembered_map& m);

}  // namespace ocimirror::daemon
