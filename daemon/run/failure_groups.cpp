#include "daemon/run/failure_groups.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace ocimirror::daemon {

std::string registry_of(const std::string& side) {
  if (side.starts_with("oci:") || side.starts_with("oci-archive:")) return {};
  return side.substr(0, side.find('/'));
}

namespace {
/// The first of `registries` the message names (as a whole host: "a.io" is not found inside "data.io").
std::string named_registry(const std::string& message, const std::vector<std::string>& registries) {
  std::size_t best = std::string::npos;
  std::string found;
  auto bounded = [&](std::size_t at, std::size_t len) {
    auto edge = [](char c) { return !(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-'); };
    return (at == 0 || edge(message[at - 1])) &&
           (at + len == message.size() || edge(message[at + len]) || message[at + len] == '.');
  };
  for (const auto& r : registries) {
    if (r.empty()) continue;
    for (auto at = message.find(r); at != std::string::npos; at = message.find(r, at + 1))
      if (bounded(at, r.size())) {
        if (at < best) best = at, found = r;
        break;
      }
  }
  return found;
}
}  // namespace

std::vector<failure_group> group_failures(const std::vector<failure>& failures,
                                          const std::vector<std::string>& registries) {
  std::vector<failure_group> out;
  for (const auto& f : failures) {
    const auto registry = named_registry(f.message, registries);
    auto same = std::find_if(out.begin(), out.end(), [&](const failure_group& g) {
      return std::tie(g.kind, g.registry) == std::tie(f.kind, registry);
    });
    if (same == out.end()) {
      out.push_back({f.kind, registry, f.message, {}});
      same = out.end() - 1;
    }
    same->what.push_back(f.what);
  }
  return out;
}

std::vector<std::string> group_lines(const failure_group& g, std::size_t examples) {
  if (g.what.size() == 1) return {g.what.front() + ": " + g.message};
  std::string head = std::to_string(g.what.size()) + " failed (" + std::string(transfer::errc_name(g.kind)) + ")" +
                     (g.registry.empty() ? std::string() : " at " + g.registry) + ": " + g.message;
  std::string list = "  e.g. ";
  const auto shown = std::min(examples, g.what.size());
  for (std::size_t i = 0; i < shown; ++i) list += (i ? "; " : "") + g.what[i];
  if (g.what.size() > shown)
    list += "; and " + std::to_string(g.what.size() - shown) + " more (every one: --output json, /v1/status)";
  return {std::move(head), std::move(list)};
}

}  // namespace ocimirror::daemon
