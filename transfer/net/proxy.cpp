#include "transfer/net/proxy.hpp"

#include "transfer/net/headers.hpp"
#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"

#include <boost/url/parse.hpp>

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>

namespace ocimirror::transfer {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// An IPv4 or IPv6 literal as 16 bytes (IPv4 in the first 4) and its width in bits; nullopt for a name.
std::optional<std::pair<std::array<unsigned char, 16>, int>> address(std::string_view text) {
  const std::string s(text);
  std::array<unsigned char, 16> a{};
  if (::inet_pton(AF_INET, s.c_str(), a.data()) == 1) return std::pair{a, 32};
  if (::inet_pton(AF_INET6, s.c_str(), a.data()) == 1) return std::pair{a, 128};
  return std::nullopt;
}

bool in_block(std::string_view block, std::string_view host) {
  const auto slash = block.find('/');
  auto net = address(block.substr(0, slash)), ip = address(host);
  int bits = 0;
  const auto len = block.substr(slash + 1);
  auto [end, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
  if (!net || !ip || ec != std::errc{} || end != len.data() + len.size() || net->second != ip->second || bits < 0 ||
      bits > net->second)
    return false;
  for (int i = 0; i < bits; ++i) {
    const int byte = i / 8, bit = 7 - i % 8;
    if (((net->first[byte] >> bit) & 1) != ((ip->first[byte] >> bit) & 1)) return false;
  }
  return true;
}

/// "host:port", "[v6]:port", "[v6]", "v6" (several colons, no brackets: no port), "host".
std::pair<std::string_view, std::string_view> split_port(std::string_view e) {
  if (e.starts_with('[')) {
    const auto close = e.find(']');
    if (close == std::string_view::npos) return {e, {}};
    const auto rest = e.substr(close + 1);
    return {e.substr(1, close - 1), rest.starts_with(':') ? rest.substr(1) : std::string_view{}};
  }
  const auto colon = e.find(':');
  if (colon == std::string_view::npos || e.find(':', colon + 1) != std::string_view::npos) return {e, {}};
  return {e.substr(0, colon), e.substr(colon + 1)};
}

}  // namespace

bool no_proxy_matches(std::string_view entry, std::string_view host, std::string_view port) {
  const std::string e = lower(trim(entry));
  if (e.empty()) return false;
  if (e == "*") return true;
  if (e.find('/') != std::string::npos) return in_block(e, host);
  auto [name, want_port] = split_port(e);
  if (!want_port.empty() && want_port != port) return false;
  while (name.starts_with('.')) name.remove_prefix(1);
  while (name.ends_with('.')) name.remove_suffix(1);
  std::string_view h = host;
  while (h.ends_with('.')) h.remove_suffix(1);
  if (name.empty()) return false;
  // An address matches itself only, and a host given as an address matches no name.
  if (address(name) || address(h)) return address(name) && address(h) && *address(name) == *address(h);
  return h == name || (h.size() > name.size() && h.ends_with(name) && h[h.size() - name.size() - 1] == '.');
}

boost::system::result<proxy_endpoint, std::string> parse_proxy_url(std::string_view url) {
  // Without a scheme a proxy is http://, as curl takes HTTPS_PROXY=proxy.corp:3128.
  const std::string full =
      trim(url).find("://") == std::string_view::npos ? "http://" + std::string(trim(url)) : std::string(trim(url));
  auto u = boost::urls::parse_uri(full);
  if (!u)
    return boost::system::result<proxy_endpoint, std::string>(boost::system::in_place_error,
                                                              "is not a URL (expected http://HOST:PORT)");
  const std::string scheme = lower(u->scheme());
  if (scheme != "http")
    return boost::system::result<proxy_endpoint, std::string>(
        boost::system::in_place_error,
        "uses " + scheme + "://, but only http:// proxies are supported (CONNECT tunnels carry the TLS)");
  if (u->encoded_host().empty())
    return boost::system::result<proxy_endpoint, std::string>(boost::system::in_place_error, "names no host");
  if (!u->encoded_path().empty() && u->encoded_path() != "/")
    return boost::system::result<proxy_endpoint, std::string>(boost::system::in_place_error,
                                                              "has a path; give only http://HOST:PORT");
  url_parts checked;  // host and port as the one URL parser takes them (the port 1-65535, the host a name or address)
  try {
    checked = split_url("http://" + std::string(u->encoded_host_and_port()));
  } catch (const error& e) {
    return boost::system::result<proxy_endpoint, std::string>(boost::system::in_place_error,
                                                              "is not usable: " + std::string(e.what()));
  }
  proxy_endpoint p;
  p.host = checked.host;
  p.port = u->has_port() && !u->port().empty() ? checked.port : "1080";
  if (u->has_userinfo())
    p.authorization = "Basic " + base64_encode(std::string(u->user()) + ":" + std::string(u->password()));
  const bool v6 = p.host.find(':') != std::string::npos;
  p.shown = "http://" + (v6 ? "[" + p.host + "]" : p.host) + ":" + p.port;
  return p;
}

boost::system::result<proxy_settings, std::string> proxy_settings::from_environment(
    const std::function<const char*(const char*)>& getenv) {
  auto first = [&](const char* a, const char* b) -> std::pair<const char*, std::string> {
    for (const char* name : {a, b})
      if (const char* v = getenv(name); v && *v) return {name, v};
    return {nullptr, {}};
  };
  proxy_settings s;
  for (auto [lo, up, slot] :
       {std::tuple{"https_proxy", "HTTPS_PROXY", &s.https}, std::tuple{"http_proxy", "HTTP_PROXY", &s.http}}) {
    auto [name, value] = first(lo, up);
    if (!name) continue;
    auto p = parse_proxy_url(value);
    if (!p)
      return boost::system::result<proxy_settings, std::string>(boost::system::in_place_error,
                                                                std::string(name) + " " + p.error());
    *slot = std::move(*p);
  }
  s.no_proxy = first("no_proxy", "NO_PROXY").second;
  return s;
}

const proxy_endpoint* proxy_settings::route(std::string_view host, std::string_view port, bool tls) const {
  const auto& p = tls ? https : http;
  if (!p) return nullptr;
  const std::string h = lower(host);
  std::string_view list = no_proxy;
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (no_proxy_matches(list.substr(0, comma), h, port)) return nullptr;
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
  return &*p;
}

}  // namespace ocimirror::transfer
