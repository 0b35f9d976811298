#pragma once
// When the daemon runs a policy next, from its schedule and its last start. Pure: the caller passes the time.
#include "config/mirror_config.hpp"
#include "policy/next_run.hpp"
#include "policy/shard.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace ocimirror::daemon {

/// `every: E`: E after the last start (E after `now` when it never ran), never earlier than now; `cron:` the next
/// matching minute after now. Both plus a jitter drawn from `seed` (5 % of the period, at most 30 s). nullopt: the
/// policy has no schedule and runs only when triggered.
std::optional<policy::wall_time> next_scheduled(const config::policy_config& p,
                                                std::optional<policy::wall_time> last_start, policy::wall_time now,
                                                std::uint64_t seed);

/// The seed of a policy's jitter: its name and the replica, so replicas and policies spread out.
std::uint64_t jitter_seed(const std::string& policy, const policy::shard& shard);

/// The schedule as status and logs show it: "every 1h30m", "cron 0 * * * *", or "manual".
std::string schedule_text(const config::policy_config& p);

}  // namespace ocimirror::daemon
