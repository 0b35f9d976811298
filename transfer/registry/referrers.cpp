#include "transfer/registry/referrers.hpp"

#include "transfer/net/headers.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/registry/registry.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <set>

namespace ocimirror::transfer {
namespace json = boost::json;

namespace referrers {

std::string fallback_tag(std::string_view digest) {
  auto colon = digest.find(':');
  return std::string(digest.substr(0, colon)) + "-" + std::string(digest.substr(colon + 1));
}

std::vector<std::string> cosign_tags(std::string_view digest) {
  const auto base = fallback_tag(digest);
  return {base + ".sig", base + ".att", base + ".sbom"};
}

bool is_referrer_tag(std::string_view tag) {
  if (!tag.starts_with("sha256-") || tag.size() < 7 + 64) return false;
  const auto rest = tag.substr(7 + 64);
  return rest.empty() || rest == ".sig" || rest == ".att" || rest == ".sbom";
}

boost::system::result<std::vector<descriptor>, std::string> parse_index(std::string_view body) {
  auto m = parse_manifest(body, media::oci_index);
  if (!m) return boost::system::result<std::vector<descriptor>, std::string>(boost::system::in_place_error, m.error());
  if (m->media_type != media::oci_index)
    return boost::system::result<std::vector<descriptor>, std::string>(
        boost::system::in_place_error, "not an OCI image index (" + m->media_type + ")");
  return m->manifests;
}

descriptor describe(const manifest& m, std::string_view bytes, std::string_view digest) {
  descriptor d;
  d.media_type = m.media_type;
  d.digest = std::string(digest);
  d.size = bytes.size();
  d.artifact_type = !m.artifact_type.empty() ? m.artifact_type : m.config ? m.config->media_type : std::string();
  d.annotations = m.annotations;
  return d;
}

std::string merge_fallback(std::string_view existing, const descriptor& d) {
  json::object doc;
  json::array entries;
  if (!existing.empty()) {
    boost::system::error_code ec;
    auto parsed = json::parse(existing, ec);
    if (!ec && parsed.is_object()) {
      doc = parsed.as_object();
      if (auto* m = doc.if_contains("manifests"); m && m->is_array()) entries = m->as_array();
    }
  }
  json::object e{{"mediaType", d.media_type}, {"digest", d.digest}, {"size", d.size}};
  if (!d.artifact_type.empty()) e["artifactType"] = d.artifact_type;
  if (!d.annotations.empty()) {
    json::object a;
    for (const auto& [k, v] : d.annotations) a[k] = v;
    e["annotations"] = std::move(a);
  }
  bool replaced = false;
  for (auto& v : entries)
    if (v.is_object() && v.as_object().contains("digest") && v.as_object().at("digest") == json::value(d.digest)) {
      v = e;
      replaced = true;
    }
  if (!replaced) entries.push_back(std::move(e));
  doc["schemaVersion"] = 2;
  doc["mediaType"] = media::oci_index;
  doc["manifests"] = std::move(entries);
  return json::serialize(doc);
}

bool filter::wants(std::string_view artifact_type) const {
  if (!enabled) return false;
  auto listed = [&](const std::vector<std::string>& l) {
    return std::find(l.begin(), l.end(), artifact_type) != l.end();
  };
  if (!include.empty() && !listed(include)) return false;
  return !listed(exclude);
}

}  // namespace referrers

// The referrers API, pages followed through Link. Unsupported (nullopt): 404, any redirect, or a body that is not an
// OCI index — a registry that answers something else is not speaking the API.
// Bounded like every list a registry serves: at most max_pages pages and max_entries descriptors (de-duplicated
// by digest), and a Link back to a page already read ends the list. A JSON body that does not parse (bytes flipped
// on the way) is fetched again; a body that is no JSON at all (an HTML page) means the API is not there.
awaitable<std::optional<std::vector<descriptor>>> registry_client::referrers(const std::string& repo,
                                                                             const std::string& digest) {
  constexpr std::size_t max_pages = 100, max_entries = 10'000;
  std::vector<descriptor> out;
  std::set<std::string> seen, visited;
  std::string target = url("/v2/" + repo + "/referrers/" + digest);
  std::optional<retry_budget> refetches;  // one budget per page
  refetches.emplace(budget_kind::refetch, policy().refetch);
  while (visited.size() < max_pages) {
    request ask{.verb = http::verb::get,
                .url = target,
                .scopes = pull_scope(repo),
                .accept = std::string(media::oci_index),
                .limit = 4u << 20};
    auto res = co_await call(std::move(ask));
    const unsigned st = res.result_int();
    if (st == 404 || (st >= 300 && st < 400) || st == 405 || st == 400) co_return std::nullopt;
    if (st != 200) fail(res, "list referrers of " + repo + "@" + digest);
    auto page = referrers::parse_index(res.body());
    if (!page) {
      const bool json_typed = std::string_view(res[http::field::content_type]).find("json") != std::string_view::npos;
      if (!json_typed) co_return std::nullopt;
      const bool again = co_await retry(*refetches);
      if (!again)
        throw error(errc::protocol, "registry " + name_ + ": referrers of " + repo + "@" + digest + ": " +
                                        printable(page.error()) + " in each of " +
                                        std::to_string(refetches->spent() + 1) + " fetches");
      continue;
    }
    refetches.emplace(budget_kind::refetch, policy().refetch);
    visited.insert(target);
    for (auto& d : *page)
      if (seen.insert(d.digest).second) out.push_back(std::move(d));
    if (out.size() > max_entries)
      throw error(errc::too_large, "registry " + name_ + " lists more than " + std::to_string(max_entries) +
                                       " referrers of " + repo + "@" + digest + "; ocimirror refuses the list");
    auto link = parse_next_link(res[http::field::link]);
    if (!link) co_return out;
    target = resolve_url(target, *link);
    if (target.empty() || visited.count(target)) co_return out;
  }
  throw error(errc::too_large, "registry " + name_ + " pages the referrers of " + repo + "@" + digest + " past " +
                                   std::to_string(max_pages) + " pages; ocimirror refuses the list");
}

}  // namespace ocimirror::transfer
