#pragma once
// Sharding a mirror across replicas: replica I of N owns the source repositories whose xxh3-64 hash (of the full
// repository path, e.g. "acme/app") modulo N is I. Every repository has exactly one owner for a given N, and the
// assignment needs no coordination: each replica computes it alone. Pure.
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::policy {

struct shard {
  std::uint32_t index = 0, count = 1;  ///< replica `index` of `count`; 0/1 owns everything

  bool owns(std::string_view repository) const;
  std::string str() const { return std::to_string(index) + "/" + std::to_string(count); }
};

/// "I/N" with 0 <= I < N <= 1024.
boost::system::result<shard, std::string> parse_shard(std::string_view text);

/// A StatefulSet pod's ordinal from its hostname ("ocimirror-2" -> 2): the digits after the last '-'.
std::optional<std::uint32_t> ordinal_of(std::string_view hostname);

}  // namespace ocimirror::policy
