// Through a corporate proxy: Debian's tinyproxy with Basic credentials in front of everything. HTTPS registries
// are reached through CONNECT tunnels (the certificate still checked against the registry's own name), plain-HTTP
// ones in absolute form; NO_PROXY and a registry's `proxy: none` go direct; a wrong proxy password is an error that
// names the proxy and never the password.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <filesystem>
#include <fstream>

using namespace ocimirror::testing;
using namespace std::chrono_literals;

namespace {

class Proxy : public ::testing::Test {
 protected:
  static inline std::string dir, proxy;
  static inline test_ca* ca = nullptr;
  static inline registry_fixture *src = nullptr, *dst = nullptr;
  static inline std::unique_ptr<background> tinyproxy;
  static inline pushed image;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-proxy");
    ca = new test_ca(test_ca::make(dir + "/ca"));
    src = new registry_fixture({});
    dst = new registry_fixture({.mode = registry_options::kind::tls, .ca = ca});
    image = seeder({src->host()})
                .image("team/app", "v1",
                       image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "behind a proxy"}}});
    proxy = "127.0.0.1:" + std::to_string(free_port());
    std::ofstream(dir + "/tinyproxy.conf") << "Port " << proxy.substr(10) << "\nListen 127.0.0.1\nTimeout 60\n"
                                           << "LogLevel Connect\nLogFile \"" << dir << "/tinyproxy.log\"\n"
                                           << "MaxClients 64\nAllow 127.0.0.1\nBasicAuth alice s3cret\n";
    tinyproxy =
        std::make_unique<background>(std::vector<std::string>{"tinyproxy", "-d", "-c", dir + "/tinyproxy.conf"}, dir);
    ASSERT_TRUE(eventually(
        [] {
          return run({"curl", "-s", "-o", "/dev/null", "http://" + proxy}).exit_code == 0;
        },
        10s))
        << tinyproxy->err();
  }
  static void TearDownTestSuite() {
    tinyproxy.reset();
    delete src, delete dst, delete ca;
    std::filesystem::remove_all(dir);
  }

  static std::map<std::string, std::string> env(const std::string& password, const std::string& no_proxy = {}) {
    const std::string url = "http://alice:" + password + "@" + proxy;
    return {{"HTTPS_PROXY", url}, {"http_proxy", url}, {"NO_PROXY", no_proxy}};
  }
  /// What tinyproxy logged from line `from` on.
  static std::string log_since(std::size_t& from) {
    std::ifstream in(dir + "/tinyproxy.log");
    std::string all((std::istreambuf_iterator<char>(in)), {});
    const auto out = all.substr(std::min(from, all.size()));
    from = all.size();
    return out;
  }
};

TEST_F(Proxy, HttpsThroughConnectAndHttpInAbsoluteFormWithCredentials) {
  std::size_t at = 0;
  log_since(at);
  const std::string to = dst->host() + "/tunnelled/app:v1";
  auto r =
      cli({"copy", "-q", "--plain-http-host", src->host(), "--ca-file", ca->ca_cert, src->host() + "/team/app:v1", to},
          env("s3cret"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(skopeo_digest(to, {"--cert-dir", ca->trust_dir}), image.digest);
  const auto log = log_since(at);
  EXPECT_NE(log.find("CONNECT " + dst->host()), std::string::npos) << "the TLS registry through a tunnel:\n" << log;
  EXPECT_NE(log.find("GET http://" + src->host() + "/v2/team/app/manifests/v1"), std::string::npos)
      << "the plain registry in absolute form:\n"
      << log;
  EXPECT_EQ(r.err.find("s3cret"), std::string::npos);
}

TEST_F(Proxy, AWrongProxyPasswordNamesTheProxyNeverThePassword) {
  auto r = cli({"copy", "-q", "--ca-file", ca->ca_cert, "--plain-http-host", src->host(), src->host() + "/team/app:v1",
                dst->host() + "/refused/app:v1"},
               env("not-the-password", src->host()));
  EXPECT_EQ(r.exit_code, 4) << r.err;  // unauthorized, not retried
  EXPECT_NE(r.err.find("proxy http://" + proxy + " requires credentials"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("not-the-password"), std::string::npos) << r.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/refused/app:v1", {"--cert-dir", ca->trust_dir}), "");
}

TEST_F(Proxy, NoProxyAndAConfigsProxyNoneGoDirect) {
  std::size_t at = 0;
  log_since(at);
  // NO_PROXY with the destination's port: the destination goes direct, the source through the proxy.
  auto r = cli({"copy", "-q", "--plain-http-host", src->host(), "--ca-file", ca->ca_cert, src->host() + "/team/app:v1",
                dst->host() + "/direct/app:v1"},
               env("s3cret", "example.invalid, " + dst->host()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto log = log_since(at);
  EXPECT_EQ(log.find(dst->host()), std::string::npos) << log;
  EXPECT_NE(log.find(src->host()), std::string::npos) << log;

  // `proxy: none` for the source in the config wins over the environment.
  const std::string config = dir + "/mirror.yaml";
  std::ofstream(config) << "state_dir: " << dir << "/state\nregistries:\n  " << src->host()
                        << ": {tls: disabled, proxy: none}\n  " << dst->host() << ": {ca_file: " << ca->ca_cert
                        << "}\npolicies:\n  - name: p\n    from: " << src->host() << "/team\n    to: " << dst->host()
                        << "/synced\n";
  auto s = cli({"sync", "-q", "--config", config}, env("s3cret"));
  ASSERT_EQ(s.exit_code, 0) << s.err << s.out;
  EXPECT_EQ(skopeo_digest(dst->host() + "/synced/app:v1", {"--cert-dir", ca->trust_dir}), image.digest);
  log = log_since(at);
  EXPECT_EQ(log.find(src->host()), std::string::npos) << log;
  EXPECT_NE(log.find("CONNECT " + dst->host()), std::string::npos) << log;

  // A proxy the client cannot speak to is a configuration error naming where it is.
  std::ofstream(config) << "registries:\n  " << src->host() << ": {proxy: 'socks5://alice:s3cret@p:1080'}\n";
  auto bad = cli({"check", "--config", config});
  EXPECT_EQ(bad.exit_code, 2) << bad.err << bad.out;
  EXPECT_NE((bad.err + bad.out).find(".proxy"), std::string::npos) << bad.err << bad.out;
  EXPECT_EQ((bad.err + bad.out).find("s3cret"), std::string::npos) << bad.err << bad.out;
}

}  // namespace
