#include "config/overlap.hpp"

#include "policy/select.hpp"

#include <vector>

namespace ocimirror::config {
namespace {

/// Names a policy's patterns accept, one example each: a literal itself, a glob with every wildcard as "w", and for
/// a policy without patterns (everything under `from`) just "w". A regex gives no example.
std::vector<std::string> examples(const policy_config& p) {
  if (p.repositories.empty()) return {"w"};
  std::vector<std::string> out;
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
    out.push_back(e);
  }
  return out;
}

bool accepts(const policy_config& p, const std::string& relative) {
  if (p.repositories.empty()) return !relative.empty();
  for (const auto& pat : p.repositories)
    if (pat.matches(relative)) return true;
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
