#pragma once
// When a scheduled policy runs next: the next minute a cron spec matches, and a small deterministic jitter so that
// policies (and replicas) with the same schedule do not all start at the same instant. Pure: the daemon passes the
// time in. Cron times are UTC.
#include "policy/schedule.hpp"

#include <chrono>
#include <cstdint>
#include <optional>

namespace ocimirror::policy {

using wall_time = std::chrono::system_clock::time_point;

/// The first whole minute strictly after `after` that c matches (day-of-month and day-of-week: both must match when
/// either is `*`, either one when both are restricted, as in cron). nullopt when nothing matches within five years
/// ("0 0 30 2 *").
std::optional<wall_time> next_cron(const cron_spec& c, wall_time after);

/// How long c can go between two runs: the longest gap over the two weeks after `now` (at most 4096 runs looked
/// at), so a weekday-only schedule says three days whatever day it is read on. 0 when it never runs.
std::chrono::seconds cron_period(const cron_spec& c, wall_time now);

/// The longest jitter for a schedule that repeats every `period`: 5 % of it, at most 30 s.
std::chrono::milliseconds max_jitter(std::chrono::seconds period);
/// A jitter in [0, max) drawn from `seed` (e.g. an xxh3 of the policy name and the replica): the same inputs give the
/// same jitter, different policies spread out.
std::chrono::milliseconds jitter(std::chrono::milliseconds max, std::uint64_t seed);

}  // namespace ocimirror::policy
