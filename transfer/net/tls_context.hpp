#pragma once
// The TLS client context for one registry: the system's CAs and the extra ones given, and a client certificate
// when the registry asks for one (mutual TLS): given by file, or found the way docker, podman and skopeo find them,
// in a certs.d directory named after the registry (`*.crt` CAs, `*.cert` certificates each with its `*.key`).
#include "transfer/net/cert_dirs.hpp"
#include "transfer/net/http.hpp"

#include <boost/asio/ssl/context.hpp>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

/// A context for t; throws transfer::error (errc::io) naming the file at fault: a CA, certificate or key that
/// cannot be read, a certificate without its key, a key that does not match its certificate.
std::unique_ptr<boost::asio::ssl::context> make_tls_context(const tls_options& t);

}  // namespace ocimirror::transfer
