#pragma once
// Parsers for the HTTP headers the registry protocol depends on: WWW-Authenticate challenges, Link pagination,
// Location resolution. Pure functions; fuzzed.
#include "transfer/oci/base64.hpp"  // base64_encode, base64_decode: Basic credentials

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

struct challenge {
  std::string scheme;                         ///< lowercased: "bearer", "basic"
  std::map<std::string, std::string> params;  ///< keys lowercased: realm, service, scope, error
  std::string param(const std::string& key) const {
    auto it = params.find(key);
    return it == params.end() ? std::string() : it->second;
  }
};

/// RFC 7235 challenges, several per header allowed. Malformed input yields what could be read, never throws.
std::vector<challenge> parse_www_authenticate(std::string_view header);

/// The URL of the rel="next" link in a Link header, if any.
std::optional<std::string> parse_next_link(std::string_view header);

/// Resolves a Location (absolute, or relative to base) into an absolute URL. Empty on a malformed location.
std::string resolve_url(std::string_view base, std::string_view location);

/// Content-Length as a number; nullopt when absent or not one (a registry's header is never trusted to parse).
std::optional<std::uint64_t> parse_content_length(std::string_view value);

/// "scheme://host:port" of an absolute URL, lowercased host, default port filled in; empty when unparsable.
std::string url_origin(std::string_view url);

}  // namespace ocimirror::transfer
