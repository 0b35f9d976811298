#include "transfer/net/url.hpp"

#include "transfer/oci/errors.hpp"
#include "transfer/oci/whole_number.hpp"

#include <boost/url/parse.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <cstdint>

namespace ocimirror::transfer {
std::string redacted_url(std::string_view url) {
  std::string_view rest = url;
  std::string out;
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    out = std::string(rest.substr(0, scheme + 3));
    rest.remove_prefix(scheme + 3);
  }
  const auto path_at = rest.find_first_of("/?#");
  auto authority = rest.substr(0, path_at);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  out += authority;
  if (path_at != std::string_view::npos) {
    auto path = rest.substr(path_at);
    out += path.substr(0, path.find_first_of("?#"));
  }
  return out;
}

namespace {
/// A URL for a message: redacted (no user name, password or query), then printable.
std::string shown(std::string_view url) { return printable(redacted_url(url)); }
}  // namespace

url_parts split_url(std::string_view url) {
  namespace urls = boost::urls;
  auto u = urls::parse_uri(url);
  const auto scheme = u ? u->scheme_id() : urls::scheme::none;
  if (!u || (scheme != urls::scheme::https && scheme != urls::scheme::http) || !u->has_authority() ||
      u->encoded_host().empty())
    throw error(errc::protocol, "not an http(s) URL: '" + shown(url) + "'");
  // Credentials never ride in a URL ocimirror follows (a Location, a Link, a realm, an endpoint): they would go to
  // whoever the URL names, and as "Host: user:pw@host" besides.
  if (u->has_userinfo())
    throw error(errc::protocol, "URL '" + shown(url) + "' carries a user name or password; refused");
  const bool v6 = u->host_type() == urls::host_type::ipv6;
  const auto name = u->encoded_host();
  const bool dns_name = std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == '_';
  });
  if (u->host_type() == urls::host_type::ipvfuture || (u->host_type() == urls::host_type::name && !dns_name))
    throw error(errc::protocol, "URL '" + shown(url) + "' names a host that is not a DNS name or an address");
  const bool has_port = u->has_port() && !u->port().empty();  // "host:" is the default port (RFC 3986 §3.2.3)
  // Boost.URL 1.81 reads "http://127.0.0.1.evil.example/" as host 127.0.0.1 and path ".evil.example/": an
  // authority must be followed by "/", "?", "#" or nothing (RFC 3986 path-abempty), or it is not what it seems.
  if (const auto path = u->encoded_path(); !path.empty() && !path.starts_with('/'))
    throw error(errc::protocol, "URL '" + shown(url) + "' does not parse as one host and a path");
  // And it reads port 99999 as 34463: the digits are checked here.
  if (has_port && parse_whole<std::uint16_t>(u->port()).value_or(0) == 0)
    throw error(errc::protocol, "URL '" + shown(url) + "' names port '" + printable(u->port()) + "', not 1–65535");
  url_parts p;
  p.tls = scheme == urls::scheme::https;
  p.host = v6 ? std::string(u->encoded_host_address()) : std::string(u->host());
  std::transform(p.host.begin(), p.host.end(), p.host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  p.port = has_port ? std::to_string(*parse_whole<std::uint16_t>(u->port())) : (p.tls ? "443" : "80");
  p.target = std::string(u->encoded_path());
  if (p.target.empty()) p.target = "/";
  if (u->has_query()) p.target += "?" + std::string(u->encoded_query());
  p.authority = has_port ? std::string(u->encoded_host_and_port()) : std::string(name);
  p.origin = std::string(p.tls ? "https" : "http") + "://" + p.authority;
  return p;
}

bool same_origin(std::string_view a, std::string_view b) {
  try {
    const auto x = split_url(a), y = split_url(b);
    return x.tls == y.tls && x.host == y.host && x.port == y.port;
  } catch (const error&) {
    return false;
  }
}

bool is_loopback_url(std::string_view url) {
  try {
    const auto u = split_url(url);
    if (u.host == "localhost") return true;
    unsigned char a[16];
    if (::inet_pton(AF_INET, u.host.c_str(), a) == 1) return a[0] == 127;
    static constexpr unsigned char v6_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return ::inet_pton(AF_INET6, u.host.c_str(), a) == 1 && std::equal(a, a + 16, v6_loopback);
  } catch (const error&) {
    return false;
  }
}

}  // namespace ocimirror::transfer
