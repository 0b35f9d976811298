#pragma once
// The TLS client context for one registry: the system's CAs and the extra ones given, and a client certificate
// when the registry asks for one (mutual TLS): given by file, or found the way docker, podman and skopeo find them,
// in a certs.d directory named after the registry (`*.crt` CAs, `*.cert` certificates each with its `*.key`).
#include "transfer/net/http.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

/// Where certs.d directories are looked for, in order: `$HOME/.config/containers/certs.d`,
/// `/etc/containers/certs.d`, `/etc/docker/certs.d`.
std::vector<std::string> default_cert_roots();

/// The certs.d directory for a registry ("host" or "host:port", as written in references): root/registry in the
/// first root that has one; empty when none does.
std::string cert_dir_for(const std::vector<std::string>& roots, std::string_view registry);

/// A context for t; throws transfer::error (errc::io) naming the file at fault: a CA, certificate or key that
/// cannot be read, a certificate without its key, a key that does not match its certificate.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const tls_options& t);

}  // namespace ocimirror::transfer
