#include "config/overlap.hpp"

#include "policy/select.hpp"

#include <vector>

namespace ocimirror::config {
namespace {

/// Names a policy writes under its `to`, one example each: a literal pattern itself, a glob with every wildcard as
/// "w", "w" for a policy without patterns (everything under `from`), and each rename's target; a regex gives none.
std::vector<std::string> examples(const policy_config& p) {
  std::vector<std::string> sources;
  if (p.repositories.empty()) sources.push_back("w");
  for (const auto& pat : p.repositories) {
    const auto& t = pat.text();
    if (t.starts_with("regex:")) continue;
    std::string e;
    for (std::size_t i = 0; i < t.size(); ++i) {
      if (t[i] == '*' || t[i] == '?') {
        e += 'w';
        while (i + 1 < t.size() && t[i + 1] == '*') ++i;
      } else {
        e += t[i];
      }
    }
    sources.push_back(e);
  }
  for (const auto& r : p.rename.rules()) sources.push_back(r.from.ends_with('/') ? r.from + "w" : r.from);
  std::vector<std::string> out;
  for (const auto& s : sources)
    if (p.picks(s)) out.push_back(p.rename.apply(s));
  return out;
}

/// Whether p writes `destination` (relative to its `to`): some name it picks lands there.
bool accepts(const policy_config& p, const std::string& destination) {
  for (const auto& s : p.rename.sources_of(destination))
    if (!s.empty() && p.picks(s)) return true;
  return false;
}

/// outer writes to X/rel, inner to X/sub/rel (sub empty: the same prefix). A name both can write, if found.
std::optional<std::string> meet(const policy_config& outer, const policy_config& inner, const std::string& sub) {
  const std::string lead = sub.empty() ? "" : sub + "/";
  for (const auto& e : examples(inner))
    if (accepts(outer, lead + e)) return policy::join_path(outer.to.path, lead + e);
  for (const auto& e : examples(outer))
    if (e.starts_with(lead) && accepts(inner, e.substr(lead.size()))) return policy::join_path(outer.to.path, e);
  return std::nullopt;
}

}  // namespace

std::optional<std::string> shared_destination(const policy_config& a, const policy_config& b) {
  if (a.to.registry != b.to.registry) return std::nullopt;
  std::optional<std::string> name;
  if (a.to.path == b.to.path)
    name = meet(a, b, "");
  else if (auto sub = policy::relative_to(a.to.path, b.to.path))
    name = meet(a, b, *sub);
  else if (auto sub2 = policy::relative_to(b.to.path, a.to.path))
    name = meet(b, a, *sub2);
  if (!name) return std::nullopt;
  return a.to.registry + (name->empty() ? "" : "/" + *name);
}

}  // namespace ocimirror::config
