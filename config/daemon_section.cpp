// The `daemon:` section of the configuration: listen address, bearer token, drain timeout.
#include "config/yaml_reader.hpp"

#include <charconv>

namespace ocimirror::config {

std::string daemon_config::listen() const {
  const bool v6 = listen_host.find(':') != std::string::npos;
  return (v6 ? "[" + listen_host + "]" : listen_host) + ":" + std::to_string(listen_port);
}

boost::system::result<std::pair<std::string, unsigned short>, std::string> parse_listen(const std::string& text) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0)
    return "'" + text + "' is not HOST:PORT (e.g. 127.0.0.1:9469, [::1]:9469, 0.0.0.0:9469)";
  std::string host = text.substr(0, colon);
  const std::string port = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return "'" + text + "': an IPv6 address goes in brackets, [::1]:9469";
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string::npos) {
    return "'" + text + "': an IPv6 address goes in brackets, [::1]:9469";
  }
  if (host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-:") != std::string::npos)
    return "'" + text + "': '" + host + "' is not a host name or address";
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535)
    return "'" + text + "': the port must be a number from 0 to 65535";
  return std::pair{host, static_cast<unsigned short>(value)};
}

namespace detail {

void parse_daemon(yaml_reader& r, const YAML::Node& n, daemon_config& out) {
  if (!r.check_map(n, "daemon", "daemon")) return;
  if (n["allow_unauthenticated"])
    if (auto b = r.boolean(n["allow_unauthenticated"], "daemon.allow_unauthenticated")) out.allow_unauthenticated = *b;
  if (n["listen"])
    if (auto s = r.str(n["listen"], "daemon.listen")) {
      auto l = parse_listen(*s);
      if (!l)
        r.error(n["listen"], "daemon.listen", l.error());
      else
        out.listen_host = l->first, out.listen_port = l->second;
    }
  const YAML::Node at = n["token"] ? n["token"] : n["token_file"];
  if (auto s = r.secret(n, "daemon", "token")) {
    // Never echoed back: the value usually comes from ${ENV} or a file.
    if (s->size() < 16)
      r.error(at, "daemon.token", "must be at least 16 characters (it guards POST /v1/...)");
    else if (s->find_first_of(" \t\r\n") != std::string::npos)
      r.error(at, "daemon.token", "must not contain white space");
    else
      out.token = *s;
  }
  if (n["drain_timeout"])
    if (auto d = r.duration(n["drain_timeout"], "daemon.drain_timeout")) out.drain_timeout = *d;
}

}  // namespace detail
}  // namespace ocimirror::config
