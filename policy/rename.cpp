#include "policy/rename.hpp"

#include "transfer/oci/errors.hpp"
#include "transfer/oci/reference.hpp"

#include <optional>
#include <set>

namespace ocimirror::policy {
namespace {

bool is_folder(std::string_view name) { return name.ends_with('/'); }

/// A folder rule's name without its '/', or an exact rule's name: either must be a repository name.
std::optional<std::string> bad_name(std::string_view name, bool may_be_empty) {
  if (name.empty()) return may_be_empty ? std::nullopt : std::optional<std::string>("an empty name");
  auto bare = is_folder(name) ? name.substr(0, name.size() - 1) : name;
  if (bare.empty() || !transfer::is_valid_repository(bare))
    return "'" + transfer::printable(std::string(name)) + "' is not a repository name (lower-case path components)";
  return std::nullopt;
}

}  // namespace

boost::system::result<rename_rules, std::string> rename_rules::parse(std::vector<rule> rules) {
  std::set<std::string> sources, targets;
  for (const auto& r : rules) {
    const auto label = "rename " + transfer::printable(r.from) + " -> " + transfer::printable(r.to) + ": ";
    if (auto why = bad_name(r.from, false)) return label + *why;
    if (auto why = bad_name(r.to, is_folder(r.from))) return label + *why;
    if (is_folder(r.from) != (r.to.empty() || is_folder(r.to)))
      return label + "a folder (ending in '/') is renamed to a folder or to \"\", and one repository to one";
    if (!sources.insert(r.from).second) return label + "'" + r.from + "' is renamed twice";
    if (!is_folder(r.from) && !targets.insert(r.to).second)
      return label + "two repositories would both become '" + r.to + "'";
  }
  rename_rules out;
  out.rules_ = std::move(rules);
  return out;
}

std::string rename_rules::apply(std::string_view relative) const {
  const rule* best = nullptr;
  for (const auto& r : rules_) {
    if (!is_folder(r.from)) {
      if (r.from == relative) return r.to;
    } else if (relative.size() > r.from.size() && relative.starts_with(r.from) &&
               (!best || r.from.size() > best->from.size())) {
      best = &r;
    }
  }
  if (!best) return std::string(relative);
  return best->to + std::string(relative.substr(best->from.size()));
}

std::vector<std::string> rename_rules::sources_of(std::string_view destination) const {
  std::vector<std::string> out;
  auto add = [&](std::string candidate) {
    if (apply(candidate) == destination) out.push_back(std::move(candidate));
  };
  for (const auto& r : rules_) {
    if (!is_folder(r.from)) {
      if (r.to == destination) add(r.from);
    } else if (destination.size() > r.to.size() && destination.starts_with(r.to)) {
      add(r.from + std::string(destination.substr(r.to.size())));
    }
  }
  add(std::string(destination));
  return out;
}

}  // namespace ocimirror::policy
