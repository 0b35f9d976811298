#pragma once
// GHCR has no catalog: an organisation's (or user's) container images are listed by the GitHub REST API,
// `GET /orgs/{org}/packages?package_type=container` (`/users/{user}/packages` for a user), page by page through
// `Link: <...>; rel="next"`. GITHUB_API_URL (as GitHub Actions sets it) points elsewhere (GitHub Enterprise); the
// token is GITHUB_TOKEN, else the password configured for ghcr.io, and goes only to that API over HTTPS. Every page is
// bounded like a registry's lists. (Its pure parts, the page parser and the base URL, are in listing.hpp.)
#include "transfer/net/http.hpp"
#include "transfer/registry/listing.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

/// Every container package of `owner` as "owner/name", the organisation's list first, the user's when the
/// organisation is unknown (404). token: sent as Bearer (may be empty: public packages only).
awaitable<std::vector<std::string>> list_github_packages(http_client& http, const std::string& api_base,
                                                         const std::string& owner, const std::string& token,
                                                         const listing_limits& limits);

}  // namespace ocimirror::transfer
