#pragma once
// Hints that fit where the settings came from. A command's flags are changed with flags (--ca-file,
// --plain-http-host); a configuration file's with its keys (registries."H".ca_file, tls: disabled), which `sync`
// and the daemon read and whose flags they refuse. Credentials are written with `ocimirror login`, except under
// a systemd unit that hands them over as a credential (LoadCredential=), where the file it names is the one to
// change. Pure: tested without sockets.
#include <string>
#include <string_view>

namespace ocimirror::transfer {

struct advice {
  bool config = false;  ///< settings come from a configuration file's `registries:`
  /// Set when the docker config is systemd's credentials directory ($CREDENTIALS_DIRECTORY): a copy made at the
  /// service's start, so `ocimirror login` inside it changes nothing that lasts.
  bool systemd_credentials = false;
  /// Run by systemd (INVOCATION_ID set) without such a credential: the unit's dynamic user has no docker config.
  bool systemd_unit = false;

  /// A certificate that did not verify: how to trust the registry's CA.
  std::string trust(std::string_view authority) const;
  /// TLS spoken to a registry that answers plain HTTP: how to use plain HTTP for it.
  std::string go_plain(std::string_view authority) const;
  /// Plain HTTP sent to a registry that serves HTTPS: how to use TLS again.
  std::string go_tls(std::string_view authority) const;
  /// Plain HTTP for credentials refused: how to allow it for that origin.
  std::string allow_plain(std::string_view authority) const;
  /// The registry asked for a client certificate (mutual TLS) and was given none, or refused it: how to give one.
  std::string client_cert(std::string_view authority) const;
  /// No credentials for the registry: how to give some.
  std::string login(std::string_view registry) const;
};

/// The advice for this process's environment (systemd's CREDENTIALS_DIRECTORY and DOCKER_CONFIG); `config` as given.
advice advice_from_environment(bool config);

/// Whether a TLS handshake failed because the other side answers plain HTTP (OpenSSL: "wrong version number",
/// "packet length too long", "http request").
bool plain_http_answer(std::string_view handshake_error);
/// Whether a TLS failure is the server refusing the client's certificate or the lack of one (OpenSSL: "alert bad
/// certificate", "alert certificate required", "alert unknown ca" sent by the server).
bool client_certificate_refused(std::string_view tls_error);
/// Whether a 400 body is a server's "Client sent an HTTP request to an HTTPS server" (Go's net/http, nginx's
/// "The plain HTTP request was sent to HTTPS port").
bool https_port_answer(unsigned status, std::string_view body);

}  // namespace ocimirror::transfer
