#include "daemon/service/scheduling.hpp"

#include <xxhash.h>

#include <algorithm>

namespace ocimirror::daemon {
using namespace std::chrono;

std::optional<policy::wall_time> next_scheduled(const config::policy_config& p,
                                                std::optional<policy::wall_time> last_start, policy::wall_time now,
                                                std::uint64_t seed) {
  if (p.every) {
    const auto due = std::max(last_start ? *last_start + *p.every : now + *p.every, now);
    return due + policy::jitter(policy::max_jitter(*p.every), seed);
  }
  if (p.cron) {
    const auto at = policy::next_cron(*p.cron, now);
    if (!at) return std::nullopt;
    const auto after = policy::next_cron(*p.cron, *at);
    const auto period = after ? duration_cast<seconds>(*after - *at) : seconds(60);
    return *at + policy::jitter(policy::max_jitter(period), seed);
  }
  return std::nullopt;
}

std::uint64_t jitter_seed(const std::string& policy, const policy::shard& shard) {
  const std::string key = policy + "\n" + shard.str();
  return XXH3_64bits(key.data(), key.size());
}

std::string schedule_text(const config::policy_config& p) {
  if (p.every) {
    // As the config writes durations: 15m, 1h30m, 1d.
    long long left = p.every->count();
    std::string text;
    for (const auto& [unit, size] : {std::pair{'d', 86400LL}, {'h', 3600LL}, {'m', 60LL}, {'s', 1LL}})
      if (left >= size) {
        text += std::to_string(left / size) + unit;
        left %= size;
      }
    return "every " + text;
  }
  if (p.cron) return "cron " + p.cron_text;
  return "manual";
}

}  // namespace ocimirror::daemon
