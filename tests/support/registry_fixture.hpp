#pragma once
// A real CNCF distribution registry (`docker-registry serve`) on a free loopback port with its own storage, in one
// of four set-ups: plain HTTP, TLS with a self-signed CA, htpasswd Basic auth (over TLS), token auth.
#include <memory>
#include <string>
#include <vector>

namespace ocimirror::testing {

/// A CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI.
struct test_ca {
  std::string dir, ca_cert, server_cert, server_key;
  std::string trust_dir;                ///< holds only ca.crt: what skopeo --cert-dir wants
  std::string client_cert, client_key;  ///< a client certificate (clientAuth) the same CA signed, for mutual TLS
  std::string client_dir;               ///< ca.crt, client.cert and client.key: a certs.d directory, skopeo --cert-dir
  static test_ca make(const std::string& dir);
};

/// A P-256 key and self-signed certificate the token server signs with and the registry trusts.
struct token_keys {
  std::string key_pem, cert_pem;
  static token_keys make(const std::string& dir);
};

struct registry_options {
  enum class kind { plain, tls, htpasswd, token } mode = kind::plain;
  const test_ca* ca = nullptr;  ///< tls, htpasswd
  bool client_certs = false;    ///< tls: require a client certificate signed by ca (http.tls.clientcas)
  std::string htpasswd_user, htpasswd_password;
  std::string token_realm, token_service = "ocimirror-test", token_issuer = "ocimirror-test-issuer";
  const token_keys* keys = nullptr;  ///< token
  bool access_log = false;           ///< log every request, for requests()
};

class registry_fixture {
 public:
  explicit registry_fixture(registry_options opts);
  ~registry_fixture();
  registry_fixture(const registry_fixture&) = delete;
  registry_fixture& operator=(const registry_fixture&) = delete;

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }  ///< registry name in references
  std::string port() const { return std::to_string(port_); }                 ///< for a proxy's upstream
  const std::string& storage() const { return storage_; }
  const std::string& dir() const { return dir_; }
  /// "METHOD /path?query" of every request served so far, in order (needs access_log).
  std::vector<std::string> requests() const;

 private:
  struct proc;
  std::unique_ptr<proc> proc_;
  std::string dir_, storage_;
  int port_ = 0;
};

/// A port nothing listens on right now.
int free_port();

/// Writes bytes to path, creating parent directories.
void write_file(const std::string& path, const std::string& bytes);

}  // namespace ocimirror::testing
