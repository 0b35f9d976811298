#include "daemon/run/failure_groups.hpp"

#include <algorithm>
#include <cctype>
#include <regex>
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
/// The message with the failure's own names (its references, repositories, tags, digests) taken out: what two
/// failures of one cause have in common ("HEAD manifest …: HTTP 401" for every tag of a missing credential).
std::string cause_of(const failure& f) {
  std::vector<std::string> names;
  std::size_t at = 0;
  while (at < f.what.size()) {
    const auto end = std::min(f.what.find(' ', at), f.what.size());
    const std::string token = f.what.substr(at, end - at);
    at = end + 1;
    if (token.find('/') == std::string::npos) continue;
    for (std::string v : {token, token.substr(token.find('/') + 1)}) {
      names.push_back(v);
      if (const auto colon = v.rfind(':'); colon != std::string::npos && v.find('/', colon) == std::string::npos)
        names.push_back(v.substr(0, colon));  // the repository without its tag
    }
  }
  std::sort(names.begin(), names.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  std::string m = f.message;
  for (const auto& n : names)
    for (auto p = m.find(n); !n.empty() && p != std::string::npos; p = m.find(n, p + 3)) m.replace(p, n.size(), "…");
  static const std::regex digest("sha256:[0-9a-f]{64}");
  return std::regex_replace(m, digest, "sha256:…");
}
}  // namespace

std::vector<failure_group> group_failures(const std::vector<failure>& failures,
                                          const std::vector<std::string>& registries) {
  std::vector<failure_group> out;
  std::vector<std::string> causes;  // beside out, one per group
  for (const auto& f : failures) {
    const auto registry = named_registry(f.message, registries);
    const auto cause = cause_of(f);
    std::size_t i = 0;
    while (i < out.size() && std::tie(out[i].kind, out[i].registry, causes[i]) != std::tie(f.kind, registry, cause))
      ++i;
    if (i == out.size()) {
      out.push_back({f.kind, registry, f.message, {}});
      causes.push_back(cause);
    }
    out[i].what.push_back(f.what);
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
    list += "; and " + std::to_string(g.what.size() - shown) +
            " more (every one: --output json; the first 100: /v1/status, the log)";
  return {std::move(head), std::move(list)};
}

}  // namespace ocimirror::daemon
