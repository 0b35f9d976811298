#pragma once
// The one parser for every URL from outside (a configuration, the environment, a Location, a Link, a token realm,
// the GitHub API): Boost.URL underneath, the scheme compared without case, user names and passwords refused (they
// would ride to whoever the URL names), the host a DNS name or an address, the port 1-65535. Pure.
#include <string>
#include <string_view>

namespace ocimirror::transfer {

struct url_parts {
  bool tls = true;
  std::string host;       ///< lowercased; without brackets for IPv6
  std::string port;       ///< always set: the scheme's default when the URL has none
  std::string target;     ///< path and query
  std::string origin;     ///< "https://host:443" as written ("https://Host" when the port was left out)
  std::string authority;  ///< Host header value: host and port as written in the URL, never a user name
};
/// Throws transfer::error(protocol) for anything but an absolute http(s) URL without userinfo.
url_parts split_url(std::string_view url);

/// Whether two URLs (or origins) name one scheme, host and port (defaults filled in, case ignored); false when
/// either does not parse.
bool same_origin(std::string_view a, std::string_view b);

/// The URL without what may be a secret: a user name and password (however malformed), the query and fragment. For
/// messages and traces.
std::string redacted_url(std::string_view url);

/// Whether url's host is a loopback name or address (localhost, 127.0.0.0/8, ::1); false when it does not parse.
bool is_loopback_url(std::string_view url);

}  // namespace ocimirror::transfer
