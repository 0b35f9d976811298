#include "tests/support/request_target.hpp"

namespace ocimirror::testing {

target_parts parse_target(std::string_view target) {
  target_parts t;
  const auto q = target.find('?');
  t.path = std::string(target.substr(0, q));
  if (q != std::string_view::npos) t.query = std::string(target.substr(q + 1));
  if (t.path == "/v2/_catalog") t.kind = "catalog";
  for (const char* kind : {"/blobs/uploads/", "/manifests/", "/blobs/", "/tags/list", "/referrers/"}) {
    const auto at = t.path.rfind(kind);
    if (at == std::string::npos || at < 4 || !t.kind.empty()) continue;
    t.repo = t.path.substr(4, at - 4);
    t.ref = t.path.substr(at + std::string_view(kind).size());
    t.kind = std::string(kind) == "/blobs/uploads/" ? "uploads"
                                                    : std::string(kind).substr(1, std::string(kind).find('/', 1) - 1);
  }
  return t;
}

std::string query_param(std::string_view query, std::string_view key) {
  const std::string k = std::string(key) + "=";
  for (std::size_t at = 0; at < query.size();) {
    auto end = query.find('&', at);
    if (end == std::string_view::npos) end = query.size();
    if (query.substr(at).starts_with(k)) return std::string(query.substr(at + k.size(), end - at - k.size()));
    at = end + 1;
  }
  return {};
}

std::string with_param(const target_parts& t, const std::string& key, const std::string& value) {
  std::string q;
  for (std::size_t at = 0; at < t.query.size();) {
    auto end = t.query.find('&', at);
    if (end == std::string::npos) end = t.query.size();
    if (t.query.compare(at, key.size() + 1, key + "=") != 0) q += (q.empty() ? "" : "&") + t.query.substr(at, end - at);
    at = end + 1;
  }
  q += (q.empty() ? "" : "&") + key + "=" + value;
  return t.path + "?" + q;
}

}  // namespace ocimirror::testing
