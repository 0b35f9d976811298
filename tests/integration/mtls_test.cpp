// Mutual TLS against a real distribution registry that requires client certificates (http.tls.clientcas): refused
// without one; with one given per registry in the configuration (client_cert, client_key); and for every command
// through the certs.d directory docker, podman and skopeo read (`*.crt` CAs, `*.cert` with its `*.key`), here
// $HOME/.config/containers/certs.d/HOST:PORT/. The image is put there by skopeo with --dest-cert-dir.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <filesystem>

using namespace ocimirror::testing;
namespace fs = std::filesystem;

namespace {

class MutualTls : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline test_ca* ca = nullptr;
  static inline registry_fixture* mtls = nullptr;
  static inline registry_fixture* plain = nullptr;
  static inline pushed image;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-mtls");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    mtls = new registry_fixture({.mode = registry_options::kind::tls, .ca = ca, .client_certs = true});
    plain = new registry_fixture({});
    seeder s({plain->host()});
    image = s.image("acme/app", "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar+gzip", "app"}}});
    auto r = run({"skopeo", "copy", "--src-tls-verify=false", "--dest-cert-dir", ca->client_dir,
                  "docker://" + plain->host() + "/acme/app:v1", "docker://" + mtls->host() + "/acme/app:v1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  static void TearDownTestSuite() {
    delete mtls;
    delete plain;
    delete ca;
    fs::remove_all(dir);
  }
  static std::string write_config(const std::string& name, const std::string& registry_keys) {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + mtls->host() +
                         ": {ca_file: " + ca->ca_cert + registry_keys + "}\n  " + plain->host() +
                         ": {tls: disabled}\npolicies:\n  - name: " + name + "\n    from: " + mtls->host() +
                         "/acme\n    to: " + plain->host() + "/" + name + "\n    repositories: [app]\n");
    return path;
  }
};

}  // namespace

TEST_F(MutualTls, RefusedWithoutAClientCertificateNamingTls) {
  auto r = cli({"tags", mtls->host() + "/acme/app", "--ca-file", ca->ca_cert}, {{"HOME", dir + "/nohome"}});
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.err.find(mtls->host()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("asks for a client certificate it trusts"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/etc/containers/certs.d/" + mtls->host() + "/"), std::string::npos) << r.err;
  auto s = cli({"sync", "-q", "--config", write_config("without", "")}, {{"HOME", dir + "/nohome"}});
  EXPECT_NE(s.exit_code, 0) << s.out;
  EXPECT_NE(s.err.find("`client_cert:` and `client_key:` under"), std::string::npos) << s.err;
}

TEST_F(MutualTls, ASyncPresentsTheRegistrysClientCertificate) {
  auto r = cli({"sync", "-q", "-o", "json", "--config",
                write_config("with", ", client_cert: " + ca->client_cert + ", client_key: " + ca->client_key)},
               {{"HOME", dir + "/nohome"}});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  auto there = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + plain->host() + "/with/app:v1"});
  EXPECT_EQ(there.exit_code, 0) << there.err;
}

TEST_F(MutualTls, EveryCommandFindsTheCertsDDirectory) {
  const std::string home = dir + "/home";
  fs::create_directories(home + "/.config/containers/certs.d");
  fs::copy(ca->client_dir, home + "/.config/containers/certs.d/" + mtls->host());
  auto tags = cli({"tags", mtls->host() + "/acme/app"}, {{"HOME", home}});
  EXPECT_EQ(tags.exit_code, 0) << tags.err;
  EXPECT_EQ(tags.out, "v1\n");
  auto inspect = cli({"inspect", mtls->host() + "/acme/app:v1", "-o", "json"}, {{"HOME", home}});
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_NE(inspect.out.find("\"digest\":\"sha256:"), std::string::npos) << inspect.out;
}

TEST_F(MutualTls, AClientCertificateProblemIsAConfigurationErrorNamingTheFile) {
  auto half = cli({"check", "--config", write_config("half", ", client_cert: " + ca->client_cert)});
  EXPECT_EQ(half.exit_code, 2);
  EXPECT_NE(half.err.find("client_cert and client_key go together"), std::string::npos) << half.err;
  auto missing =
      cli({"check", "--config",
           write_config("missing", ", client_cert: " + ca->client_cert + ", client_key: " + dir + "/no.key")});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find(dir + "/no.key"), std::string::npos) << missing.err;
  // A key of another certificate: refused when the registry is first reached, naming both files.
  auto wrong = cli({"sync", "-q", "--config",
                    write_config("wrong", ", client_cert: " + ca->client_cert + ", client_key: " + ca->server_key)},
                   {{"HOME", dir + "/nohome"}});
  EXPECT_NE(wrong.exit_code, 0);
  EXPECT_NE(wrong.err.find("does not match the certificate"), std::string::npos) << wrong.err;
}
