#include "policy/shard.hpp"

#include "transfer/oci/whole_number.hpp"

#include <xxhash.h>

namespace ocimirror::policy {

namespace {
const auto number = &transfer::parse_whole<std::uint32_t>;
}  // namespace

bool shard::owns(std::string_view repository) const {
  if (count <= 1) return true;
  return XXH3_64bits(repository.data(), repository.size()) % count == index;
}

boost::system::result<shard, std::string> parse_shard(std::string_view text) {
  const auto slash = text.find('/');
  if (slash == std::string_view::npos) return "'" + std::string(text) + "' is not I/N (for example 0/3)";
  auto i = number(text.substr(0, slash)), n = number(text.substr(slash + 1));
  if (!i || !n) return "'" + std::string(text) + "' is not I/N with whole numbers (for example 0/3)";
  if (*n == 0 || *n > 1024) return "shard count " + std::to_string(*n) + " must be 1 to 1024";
  if (*i >= *n)
    return "shard index " + std::to_string(*i) + " must be below the count " + std::to_string(*n) + " (0-based)";
  return shard{*i, *n};
}

std::optional<std::uint32_t> ordinal_of(std::string_view hostname) {
  const auto dash = hostname.rfind('-');
  if (dash == std::string_view::npos) return std::nullopt;
  return number(hostname.substr(dash + 1));
}

}  // namespace ocimirror::policy
