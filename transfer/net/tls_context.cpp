#include "transfer/net/tls_context.hpp"

#include "transfer/net/file_io.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/regular_file.hpp"

#include <openssl/ssl.h>

#include <algorithm>
#include <filesystem>

namespace ocimirror::transfer {

namespace fs = std::filesystem;
namespace ssl = boost::asio::ssl;

namespace {

/// OpenSSL's fopen would wait on a FIFO, on the event loop: each file is first opened as a regular file.
void check_regular(const std::string& path, const std::string& what) {
  try {
    file::fd(open_regular(path));
  } catch (const error& e) {
    throw error(errc::io, "cannot read the " + what + " '" + path + "' (" + file::failure_reason(e, path) + ")");
  }
}

void trust(ssl::context& ctx, const std::string& ca) {
  check_regular(ca, "CA file");
  boost::system::error_code ec;
  ctx.load_verify_file(ca, ec);
  if (ec) throw error(errc::io, "cannot load the CA file '" + ca + "': " + ec.message());
}

void present(ssl::context& ctx, const std::string& cert, const std::string& key) {
  check_regular(cert, "client certificate");
  check_regular(key, "client key");
  boost::system::error_code ec;
  ctx.use_certificate_chain_file(cert, ec);
  if (ec) throw error(errc::io, "cannot load the client certificate '" + cert + "': " + ec.message());
  ctx.use_private_key_file(key, ssl::context::pem, ec);
  if (ec && ec.message().find("mismatch") == std::string::npos)
    throw error(errc::io, "cannot load the client key '" + key + "': " + ec.message());
  if (ec || SSL_CTX_check_private_key(ctx.native_handle()) != 1)
    throw error(errc::io, "the client key '" + key + "' does not match the certificate '" + cert + "'");
}

/// docker's certs.d layout: every `*.crt` a CA; every `*.cert` a client certificate whose key is the `*.key` of the
/// same name (one pair is presented: the first by name, as docker does).
void use_cert_dir(ssl::context& ctx, const std::string& dir) {
  std::vector<fs::path> entries;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  bool presented = false;
  for (const auto& p : entries) {
    if (p.extension() == ".crt") trust(ctx, p.string());
    if (p.extension() != ".cert" || presented) continue;
    auto key = p;
    key.replace_extension(".key");
    if (!fs::exists(key, ec))
      throw error(errc::io, "the client certificate '" + p.string() + "' has no key beside it (" + key.string() + ")");
    present(ctx, p.string(), key.string());
    presented = true;
  }
}

}  // namespace

std::unique_ptr<ssl::context> make_tls_context(const tls_options& t) {
  auto ctx = std::make_unique<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                   ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  ctx->set_default_verify_paths();
  for (const auto& ca : t.ca_files) trust(*ctx, ca);
  if (!t.cert_dir.empty()) use_cert_dir(*ctx, t.cert_dir);
  if (!t.client_cert.empty()) present(*ctx, t.client_cert, t.client_key);
  ctx->set_verify_mode(t.verify ? ssl::verify_peer : ssl::verify_none);
  return ctx;
}

}  // namespace ocimirror::transfer
