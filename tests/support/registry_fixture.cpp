#include "tests/support/registry_fixture.hpp"

#include "tests/support/process.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/process.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>

namespace ocimirror::testing {
namespace bp = boost::process;
namespace fs = std::filesystem;
using tcp = boost::asio::ip::tcp;

struct registry_fixture::proc {
  bp::child child;
};

int free_port() {
  boost::asio::io_context io;
  tcp::acceptor a(io, tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

void write_file(const std::string& path, const std::string& bytes) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << bytes;
}

namespace {
void must(const run_result& r, const std::string& what) {
  if (r.exit_code != 0) throw std::runtime_error(what + " failed: " + r.err);
}
}  // namespace

test_ca test_ca::make(const std::string& dir) {
  test_ca c{dir, dir + "/ca.crt", dir + "/server.crt", dir + "/server.key"};
  fs::create_directories(dir);
  must(run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            dir + "/ca.key", "-out", c.ca_cert, "-days", "2", "-subj", "/CN=ocimirror test CA"}),
       "openssl CA");
  must(run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            c.server_key, "-out", dir + "/server.csr", "-subj", "/CN=localhost"}),
       "openssl CSR");
  write_file(dir + "/san.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
  must(run({"openssl", "x509", "-req", "-in", dir + "/server.csr", "-CA", c.ca_cert, "-CAkey", dir + "/ca.key",
            "-CAcreateserial", "-out", c.server_cert, "-days", "2", "-extfile", dir + "/san.ext"}),
       "openssl sign");
  c.trust_dir = dir + "/trust";
  fs::create_directories(c.trust_dir);
  fs::copy_file(c.ca_cert, c.trust_dir + "/ca.crt");
  c.client_cert = dir + "/client.crt";
  c.client_key = dir + "/client.key";
  must(run({"openssl", "req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            c.client_key, "-out", dir + "/client.csr", "-subj", "/CN=ocimirror test client"}),
       "openssl client CSR");
  write_file(dir + "/client.ext", "extendedKeyUsage=clientAuth\n");
  must(run({"openssl", "x509", "-req", "-in", dir + "/client.csr", "-CA", c.ca_cert, "-CAkey", dir + "/ca.key",
            "-CAcreateserial", "-out", c.client_cert, "-days", "2", "-extfile", dir + "/client.ext"}),
       "openssl sign client");
  c.client_dir = dir + "/client";
  fs::create_directories(c.client_dir);
  fs::copy_file(c.ca_cert, c.client_dir + "/ca.crt");
  fs::copy_file(c.client_cert, c.client_dir + "/client.cert");
  fs::copy_file(c.client_key, c.client_dir + "/client.key");
  return c;
}

token_keys token_keys::make(const std::string& dir) {
  token_keys k{dir + "/token.key", dir + "/token.crt"};
  fs::create_directories(dir);
  must(run({"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
            k.key_pem, "-out", k.cert_pem, "-days", "2", "-subj", "/CN=ocimirror token issuer"}),
       "openssl token key");
  return k;
}

registry_fixture::registry_fixture(registry_options o) {
  dir_ = make_temp_dir("ocimirror-registry");
  storage_ = dir_ + "/storage";
  port_ = free_port();
  std::string cfg = std::string("version: 0.1\nlog: {level: error, accesslog: {disabled: ") +
                    (o.access_log ? "false" : "true") +
                    "}}\n"
                    "storage:\n  filesystem: {rootdirectory: " +
                    storage_ +
                    "}\n  delete: {enabled: true}\n"
                    "  maintenance: {uploadpurging: {enabled: false}}\n"
                    "http:\n  addr: 127.0.0.1:" +
                    std::to_string(port_) + "\n  secret: ocimirror-test-secret\n";
  using kind = registry_options::kind;
  if (o.mode == kind::tls || o.mode == kind::htpasswd)
    cfg += "  tls: {certificate: " + o.ca->server_cert + ", key: " + o.ca->server_key +
           (o.client_certs ? ", clientcas: [" + o.ca->ca_cert + "]" : std::string()) + "}\n";
  if (o.mode == kind::htpasswd) {
    auto r = run({"htpasswd", "-Bbn", o.htpasswd_user, o.htpasswd_password});
    must(r, "htpasswd");
    write_file(dir_ + "/htpasswd", r.out);
    cfg += "auth:\n  htpasswd: {realm: ocimirror-test, path: " + dir_ + "/htpasswd}\n";
  }
  if (o.mode == kind::token)
    cfg += "auth:\n  token:\n    realm: " + o.token_realm + "\n    service: " + o.token_service +
           "\n    issuer: " + o.token_issuer + "\n    rootcertbundle: " + o.keys->cert_pem + "\n";
  write_file(dir_ + "/config.yml", cfg);
  proc_ = std::make_unique<proc>(proc{bp::child(bp::search_path("docker-registry"), "serve", dir_ + "/config.yml",
                                                (bp::std_out & bp::std_err) > dir_ + "/registry.log")});
  // Ready when the port accepts connections.
  for (int i = 0; i < 200; ++i) {
    boost::asio::io_context io;
    tcp::socket s(io);
    boost::system::error_code ec;
    s.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(port_)), ec);
    if (!ec) return;
    if (!proc_->child.running()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  std::ifstream log(dir_ + "/registry.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  throw std::runtime_error("docker-registry did not start on port " + std::to_string(port_) + ": " + text);
}

std::vector<std::string> registry_fixture::requests() const {
  // Combined log format: ... "HEAD /v2/a/manifests/t HTTP/1.1" 200 ...
  std::ifstream log(dir_ + "/registry.log");
  std::vector<std::string> out;
  for (std::string line; std::getline(log, line);) {
    auto open = line.find(" \"");
    auto end = line.find(" HTTP/1.1\"", open);
    if (open == std::string::npos || end == std::string::npos) continue;
    out.push_back(line.substr(open + 2, end - open - 2));
  }
  return out;
}

registry_fixture::~registry_fixture() {
  if (proc_ && proc_->child.running()) {
    proc_->child.terminate();
    proc_->child.wait();
  }
  std::error_code ec;
  if (!std::getenv("OCIMIRROR_KEEP_TEST_DIRS")) fs::remove_all(dir_, ec);
}

}  // namespace ocimirror::testing
