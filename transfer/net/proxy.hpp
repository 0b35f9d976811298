#pragma once
// Which proxy a request goes through, as curl decides it: HTTPS_PROXY for https:// targets, HTTP_PROXY for http://
// ones (either case; lower case first), and NO_PROXY's exceptions with curl's rules: `*`, a host and every name
// under it (`example.com`, `.example.com`), a port (`host:5000`), an address or a CIDR block (`10.0.0.0/8`,
// `[::1]`, `fd00::/8`). A registry's own `proxy:` in the config wins over the environment. Pure.
#include <boost/system/result.hpp>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

struct proxy_endpoint {
  std::string host;           ///< without brackets for IPv6
  std::string port;           ///< 1080 when the URL names none, as curl
  std::string authorization;  ///< "Basic …" from the URL's user:password, empty without; never logged
  std::string shown;          ///< "http://host:port": how messages name it, credentials left out
};

/// [http://][user[:password]@]host[:port][/] (no scheme means http://, as curl). Anything else (https://, socks5://, a
/// path) is refused, naming the scheme or what is wrong, without the credentials.
boost::system::result<proxy_endpoint, std::string> parse_proxy_url(std::string_view url);

/// True when one NO_PROXY entry exempts host:port (host without brackets, lower case).
bool no_proxy_matches(std::string_view entry, std::string_view host, std::string_view port);

struct proxy_settings {
  std::optional<proxy_endpoint> https, http;  ///< for https:// and http:// targets
  std::string no_proxy;                       ///< the NO_PROXY list as given

  /// From the environment: https_proxy, HTTPS_PROXY, http_proxy, HTTP_PROXY, no_proxy, NO_PROXY (empty values are
  /// unset). A proxy URL that does not parse is an error naming the variable.
  static boost::system::result<proxy_settings, std::string> from_environment(
      const std::function<const char*(const char*)>& getenv);
  /// The proxy for a request to host:port; null: straight to the host.
  const proxy_endpoint* route(std::string_view host, std::string_view port, bool tls) const;
};

}  // namespace ocimirror::transfer
