#include "transfer/registry/github_packages.hpp"

#include "transfer/net/headers.hpp"
#include "transfer/oci/errors.hpp"

#include <set>

namespace ocimirror::transfer {

namespace {

/// One owner's packages under kind ("orgs" or "users"); nullopt when the API does not know the owner there (404).
awaitable<std::optional<std::vector<std::string>>> owner_packages(http_client& http, const std::string& base,
                                                                  const std::string& kind, const std::string& owner,
                                                                  const std::string& token,
                                                                  const listing_limits& limits) {
  std::vector<std::string> out;
  std::set<std::string> seen, visited;
  std::uint64_t bytes = 0;
  std::string url = base + "/" + kind + "/" + owner + "/packages?package_type=container&per_page=100";
  while (!url.empty()) {
    if (!visited.insert(url).second) break;  // a Link back to a page already read ends the list
    if (visited.size() > limits.max_pages)
      throw error(errc::too_large, "the GitHub API pages the packages of " + owner + " past " +
                                       std::to_string(limits.max_pages) + " pages; ocimirror refuses the list");
    http::request<http::string_body> req{http::verb::get, "", 11};
    req.set(http::field::accept, "application/vnd.github+json");
    req.set("X-GitHub-Api-Version", "2022-11-28");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    auto res = co_await http.send(url, std::move(req), 8u << 20);
    const unsigned st = res.result_int();
    if (st == 404 && out.empty()) co_return std::nullopt;
    if (st != 200)
      throw error(
          st == 401   ? errc::unauthorized
          : st == 403 ? errc::denied
                      : errc_from_status(st),
          "the GitHub API (" + base + ") listing the container packages of " + owner + " answered HTTP " +
              std::to_string(st) + ": " + printable(res.body(), 160) +
              (st == 401 || st == 403 ? " (set GITHUB_TOKEN, or the password of ghcr.io, to a token with read:packages)"
                                      : ""));
    auto page = parse_packages_page(res.body());
    if (!page) throw error(errc::protocol, "the GitHub API's package list of " + owner + " " + page.error());
    bytes += res.body().size();
    for (auto& name : *page)
      if (seen.insert(name).second) out.push_back(owner + "/" + name);
    if (out.size() > limits.max_entries || bytes > limits.max_bytes)
      throw error(errc::too_large, "the GitHub API lists more container packages of " + owner +
                                       " than the listing bounds allow; ocimirror refuses the list");
    auto next = parse_next_link(res[http::field::link]);
    url = next ? resolve_url(url, *next) : std::string();
    // The next page must stay on the API's origin: the token goes with it.
    if (!url.empty() && url_origin(url) != url_origin(base))
      throw error(errc::protocol, "the GitHub API's Link points away from " + base + "; refused");
  }
  co_return out;
}

}  // namespace

awaitable<std::vector<std::string>> list_github_packages(http_client& http, const std::string& api_base,
                                                         const std::string& owner, const std::string& token,
                                                         const listing_limits& limits) {
  auto org = co_await owner_packages(http, api_base, "orgs", owner, token, limits);  // named: no co_await in an if
  if (org) co_return std::move(*org);
  auto user = co_await owner_packages(http, api_base, "users", owner, token, limits);
  if (user) co_return std::move(*user);
  throw error(errc::not_found, "the GitHub API knows no organisation or user '" + owner + "' (" + api_base + ")");
}

}  // namespace ocimirror::transfer
