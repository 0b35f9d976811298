#include "transfer/net/advice.hpp"

#include <cstdlib>
#include <string>

namespace ocimirror::transfer {

namespace {
std::string key(std::string_view authority) { return "registries.\"" + std::string(authority) + "\""; }
}  // namespace

std::string advice::trust(std::string_view a) const {
  return config ? "trust its CA with `ca_file:` under " + key(a) : std::string("trust its CA with --ca-file FILE");
}

std::string advice::client_cert(std::string_view a) const {
  const std::string dir = "certs.d/" + std::string(a) + "/";
  return std::string(a) + " asks for a client certificate it trusts: " +
         (config ? "give `client_cert:` and `client_key:` under " + key(a) + ", or put" : std::string("put")) +
         " NAME.cert and NAME.key in ~/.config/containers/" + dir + ", /etc/containers/" + dir + " or /etc/docker/" +
         dir;
}

std::string advice::go_plain(std::string_view a) const {
  return std::string(a) + " answers plain HTTP, not TLS: " +
         (config ? "set `tls: disabled` under " + key(a) : "use --plain-http-host " + std::string(a)) +
         " if that is intended";
}

std::string advice::go_tls(std::string_view a) const {
  return std::string(a) + " serves HTTPS, but ocimirror spoke plain HTTP to it: " +
         (config ? "remove `tls: disabled` under " + key(a) : std::string("drop --plain-http/--plain-http-host"));
}

std::string advice::allow_plain(std::string_view a) const {
  return config ? "`tls: disabled` under " + key(a) : "--plain-http-host " + std::string(a);
}

std::string advice::login(std::string_view r) const {
  const std::string host(r);
  if (systemd_credentials)
    return "the service reads its credentials from the file its unit's LoadCredential= names (credentials.conf: "
           "/etc/ocimirror/docker/config.json): write it with `DOCKER_CONFIG=/etc/ocimirror/docker ocimirror login " +
           host + " -u USER --password-stdin`, then `systemctl restart ocimirror`";
  if (systemd_unit)
    return "the service's dynamic user has no docker config of its own: add the credentials drop-in "
           "(/etc/ocimirror/credentials.conf.example, `systemctl edit ocimirror`), write its file with "
           "`DOCKER_CONFIG=/etc/ocimirror/docker ocimirror login " +
           host + " -u USER --password-stdin` and restart, or set username and password under " + key(r);
  if (config)
    return "run `ocimirror login " + host + "` as the user the mirror runs as, or set username and password (or " +
           "password_file) under " + key(r);
  return "run `ocimirror login " + host + "`";
}

advice advice_from_environment(bool config) {
  advice a;
  a.config = config;
  const char* creds = std::getenv("CREDENTIALS_DIRECTORY");
  const char* docker = std::getenv("DOCKER_CONFIG");
  a.systemd_credentials = creds && docker && *creds && std::string_view(creds) == std::string_view(docker);
  const char* invocation = std::getenv("INVOCATION_ID");
  a.systemd_unit = !a.systemd_credentials && invocation && *invocation && config;
  return a;
}

bool plain_http_answer(std::string_view e) {
  return e.find("wrong version number") != std::string_view::npos ||
         e.find("packet length too long") != std::string_view::npos || e.find("http request") != std::string_view::npos;
}

bool client_certificate_refused(std::string_view e) {
  return e.find("alert bad certificate") != std::string_view::npos ||
         e.find("alert certificate required") != std::string_view::npos ||
         e.find("alert unknown ca") != std::string_view::npos;
}

bool https_port_answer(unsigned status, std::string_view body) {
  return status == 400 && (body.find("HTTP request to an HTTPS server") != std::string_view::npos ||
                           body.find("plain HTTP request was sent to HTTPS port") != std::string_view::npos);
}

}  // namespace ocimirror::transfer
