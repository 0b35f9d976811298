// ACR with an Azure identity and no password anywhere: each of DefaultAzureCredential's sources (a client secret, a
// client certificate's signed assertion, an AKS workload identity's federated token, a managed identity through
// IMDS or App Service's IDENTITY_ENDPOINT) gets an Azure AD token from the test kit's Entra ID stand-in, which is
// exchanged at ACR's /oauth2/exchange and traded per scope at /oauth2/token — the ACR stand-in in front of a real
// distribution registry in token mode, checking every request as Azure documents it.
#include "tests/integration/helpers.hpp"
#include "tests/support/azure_stand_in.hpp"
#include "tests/support/process.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <thread>

using namespace ocimirror::testing;

namespace {

constexpr const char* tenant = "72f988bf-86f1-41af-91ab-2d7cd011db47";
constexpr const char* client = "5b1f3c1e-0c2d-4d3e-9f00-0123456789ab";

class AzureIdentity : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline token_keys* keys = nullptr;
  static inline registry_fixture *src = nullptr, *upstream = nullptr;
  static inline pushed image;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-azure");
    keys = new token_keys(token_keys::make(dir + "/keys"));
    src = new registry_fixture({});
    upstream = new registry_fixture({.mode = registry_options::kind::token,
                                     .token_realm = "https://placeholder.invalid/oauth2/token",
                                     .keys = keys});
    image = seeder({src->host()})
                .image("team/app", "v1",
                       image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "for the ACR tests"}}});
    std::filesystem::create_directories(dir + "/docker");  // no docker config: nothing but the Azure identity
  }
  static void TearDownTestSuite() {
    delete src, delete upstream, delete keys;
    std::filesystem::remove_all(dir);
  }

  azure_ad_stand_in aad{tenant, client};
  acr_stand_in acr{aad, *keys, "ocimirror-test-issuer", "127.0.0.1", upstream->port()};

  std::map<std::string, std::string> base_env() const {
    return {{"DOCKER_CONFIG", dir + "/docker"}, {"HOME", dir}, {"AZURE_AUTHORITY_HOST", aad.authority()}};
  }
  /// A sync of team/app into the ACR stand-in; the config names it as ACR (its host is loopback).
  run_result sync(const std::string& name, const std::map<std::string, std::string>& env,
                  const std::string& verbosity = "-q") const {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + src->host() +
                         ": {tls: disabled}\n  " + acr.host() +
                         ": {tls: disabled, profile: acr}\npolicies:\n  - name: " + name + "\n    from: " +
                         src->host() + "/team\n    to: " + acr.host() + "/" + name + "\n    repositories: [app]\n");
    return cli({"sync", verbosity, "--config", path}, env);
  }
  /// The sync worked through one exchange, nothing was refused, and the image is there, read back with the same
  /// identity (anonymous reads are refused by the token-mode registry).
  void expect_mirrored(const run_result& r, const std::string& name,
                       const std::map<std::string, std::string>& env) const {
    ASSERT_EQ(r.exit_code, 0) << r.err << "\nAAD: " << aad.last_refusal() << "\nACR: " << acr.last_refusal();
    EXPECT_EQ(acr.exchanges(), 1u) << "one exchange for the whole sync";
    EXPECT_EQ(aad.refused(), 0u) << aad.last_refusal();
    EXPECT_EQ(acr.refused(), 0u) << acr.last_refusal();
    const std::string ref = acr.host() + "/" + name + "/app:v1";
    auto anonymous = cli({"inspect", "--plain-http-host", acr.host(), ref}, {{"DOCKER_CONFIG", dir + "/docker"}});
    EXPECT_NE(anonymous.exit_code, 0) << anonymous.out;
    auto read = cli({"inspect", "--plain-http-host", acr.host(), "--registry-profile", acr.host() + "=acr", ref}, env);
    EXPECT_EQ(read.exit_code, 0) << read.err;
    EXPECT_NE(read.out.find(image.digest), std::string::npos) << read.out;
  }
};

TEST_F(AzureIdentity, ClientSecret) {
  aad.accept_secret("s3cr3t~value.from-the-portal");
  auto env = base_env();
  env.insert({{"AZURE_TENANT_ID", tenant},
              {"AZURE_CLIENT_ID", client},
              {"AZURE_CLIENT_SECRET", "s3cr3t~value.from-the-portal"}});
  auto r = sync("secret", env, "--log-level=debug");  // every exchange logged: none of what was handed over
  EXPECT_EQ(aad.tokens_issued(azure_ad_stand_in::source::secret), 1u) << "one AAD token for the whole sync";
  expect_mirrored(r, "secret", env);
  const std::string printed = r.out + r.err;
  EXPECT_NE(printed.find("/oauth2/exchange"), std::string::npos) << "the debug log shows the exchange";
  EXPECT_EQ(printed.find("s3cr3t"), std::string::npos);
  EXPECT_EQ(printed.find("eyJ"), std::string::npos) << "no AAD token, ACR refresh token or registry token (JWTs)";
}

TEST_F(AzureIdentity, ClientCertificateSignsAnAssertion) {
  const std::string pem = dir + "/sp.pem";
  ASSERT_EQ(std::system(("openssl req -x509 -newkey rsa:2048 -nodes -keyout " + dir + "/sp.key -out " + dir +
                         "/sp.crt -subj /CN=ocimirror-sp -days 2 2>/dev/null && cat " + dir + "/sp.crt " + dir +
                         "/sp.key > " + pem)
                            .c_str()),
            0);
  aad.accept_certificate(dir + "/sp.crt");
  auto env = base_env();
  env.insert({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", client}, {"AZURE_CLIENT_CERTIFICATE_PATH", pem}});
  auto r = sync("certificate", env);
  EXPECT_EQ(aad.tokens_issued(azure_ad_stand_in::source::certificate), 1u);
  expect_mirrored(r, "certificate", env);
}

TEST_F(AzureIdentity, WorkloadIdentityAsAksInjectsIt) {
  const std::string federated = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6bWlycm9yIn0.c2ln";
  aad.accept_federated_token(federated);
  write_file(dir + "/azure-identity-token", federated + "\n");
  auto env = base_env();
  env.insert({{"AZURE_TENANT_ID", tenant},
              {"AZURE_CLIENT_ID", client},
              {"AZURE_FEDERATED_TOKEN_FILE", dir + "/azure-identity-token"}});
  auto r = sync("workload", env);
  EXPECT_EQ(aad.tokens_issued(azure_ad_stand_in::source::federated), 1u);
  expect_mirrored(r, "workload", env);
}

TEST_F(AzureIdentity, ManagedIdentityThroughImdsAndAppService) {
  auto env = base_env();
  env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = aad.imds();
  auto r = sync("imds", env);
  EXPECT_EQ(aad.tokens_issued(azure_ad_stand_in::source::imds), 1u) << "the tenant came from the token's tid";
  expect_mirrored(r, "imds", env);

  azure_ad_stand_in other(tenant, client);
  acr_stand_in acr2(other, *keys, "ocimirror-test-issuer", "127.0.0.1", upstream->port());
  auto app = base_env();
  app.insert({{"IDENTITY_ENDPOINT", other.identity_endpoint()}, {"IDENTITY_HEADER", other.identity_header()}});
  const std::string path = dir + "/app-service.yaml";
  write_file(path, "state_dir: " + dir + "/state-app\nregistries:\n  " + src->host() + ": {tls: disabled}\n  " +
                       acr2.host() + ": {tls: disabled, profile: acr}\npolicies:\n  - name: app\n    from: " +
                       src->host() + "/team\n    to: " + acr2.host() + "/app-service\n    repositories: [app]\n");
  auto served = cli({"sync", "-q", "--config", path}, app);
  ASSERT_EQ(served.exit_code, 0) << served.err << other.last_refusal() << acr2.last_refusal();
  EXPECT_EQ(other.refused(), 0u) << other.last_refusal();
  EXPECT_EQ(other.tokens_issued(azure_ad_stand_in::source::app_service), 1u);
}

TEST_F(AzureIdentity, ARefusedSecretNamesTheSourceAndNotTheSecret) {
  aad.accept_secret("the-right-one");
  auto env = base_env();
  env.insert({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", client}, {"AZURE_CLIENT_SECRET", "a-wrong-secret"}});
  auto r = sync("wrong", env);
  EXPECT_EQ(r.exit_code, 4) << r.err;
  EXPECT_NE(r.err.find("AZURE_CLIENT_SECRET"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("AADSTS7000215"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("a-wrong-secret"), std::string::npos) << r.err;
  // An authority over plain HTTP off the host is refused before anything is sent.
  env["AZURE_AUTHORITY_HOST"] = "http://login.example.com";
  auto plain = sync("plain", env);
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.err.find("AZURE_AUTHORITY_HOST"), std::string::npos) << plain.err;
}

}  // namespace

namespace {

/// Sets variables for the processes this test starts (the daemon inherits them), and unsets them after.
struct scoped_env {
  std::vector<std::string> names;
  explicit scoped_env(const std::map<std::string, std::string>& vars) {
    for (const auto& [k, v] : vars) {
      ::setenv(k.c_str(), v.c_str(), 1);
      names.push_back(k);
    }
  }
  ~scoped_env() {
    for (const auto& k : names) ::unsetenv(k.c_str());
  }
};

}  // namespace

// Weeks of a daemon, compressed: the AAD token and ACR's refresh token live a minute, the daemon runs the policy
// every 3 s for 80 s while new tags keep arriving, and every run must succeed. Credentials are renewed at half
// their lifetime, one fetch for every request waiting, so the stand-ins see a handful of exchanges (not one per
// run, and not a storm) and never an expired token.
TEST_F(AzureIdentity, DaemonRenewsMinuteLongTokensWithoutAStormOrAFailedRun) {
  using namespace std::chrono_literals;
  aad.accept_secret("daemon-secret");
  aad.lifetime(60s);
  acr.refresh_lifetime(60s);
  const std::string listen = "127.0.0.1:" + std::to_string(free_port());
  const std::string config = dir + "/daemon.yaml";
  write_file(config, "state_dir: " + dir + "/state-daemon\ndaemon: {listen: \"" + listen + "\"}\nregistries:\n  " +
                         src->host() + ": {tls: disabled}\n  " + acr.host() +
                         ": {tls: disabled, profile: acr}\npolicies:\n  - name: renew\n    from: " + src->host() +
                         "/team\n    to: " + acr.host() +
                         "/renew\n    repositories: [app]\n    schedule: {every: 3s}\n");
  auto env = base_env();
  env.insert({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", client}, {"AZURE_CLIENT_SECRET", "daemon-secret"}});
  scoped_env vars(env);
  seeder s({src->host()});
  background daemon({ocimirror_bin(), "daemon", "--config", config, "--log-format", "json"}, dir);
  const auto start = std::chrono::steady_clock::now();
  int pushed_tags = 0;
  while (std::chrono::steady_clock::now() - start < 80s) {
    s.image("team/app", "r" + std::to_string(++pushed_tags),
            image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "round " + std::to_string(pushed_tags)}}});
    std::this_thread::sleep_for(4s);
  }
  // The daemon's own figures, before the inspects below make exchanges of their own.
  const auto exchanges = acr.exchanges(), aad_tokens = aad.tokens_issued(), registry_tokens = acr.token_requests();
  const std::string last = acr.host() + "/renew/app:r" + std::to_string(pushed_tags);
  EXPECT_TRUE(eventually(
      [&] {
        return cli({"inspect", "--plain-http-host", acr.host(), "--registry-profile", acr.host() + "=acr", last}, env)
                   .exit_code == 0;
      },
      30s))
      << "the last tag made it";
  auto m = run({"curl", "-s", "http://" + listen + "/metrics"});
  const auto failures = m.out.find("ocimirror_policy_runs_total{policy=\"renew\",result=\"failure\"} 0");
  EXPECT_NE(failures, std::string::npos) << "no run failed\n" << daemon.err();
  EXPECT_NE(m.out.find("ocimirror_policy_last_run_success{policy=\"renew\"} 1"), std::string::npos) << m.out;
  EXPECT_EQ(acr.expired_seen(), 0u) << "no request carried an expired token";
  EXPECT_EQ(acr.refused(), 0u) << acr.last_refusal();
  EXPECT_EQ(aad.refused(), 0u) << aad.last_refusal();
  // 80 s of minute-long credentials renewed at 30 s: about three exchanges, never one per run or per request.
  std::cout << "[ figures  ] " << pushed_tags << " tags over 80 s; AAD tokens " << aad_tokens << ", ACR exchanges "
            << exchanges << ", registry tokens " << registry_tokens << ", expired tokens seen " << acr.expired_seen()
            << "\n";
  EXPECT_GE(exchanges, 2u) << "renewed before expiry";
  EXPECT_LE(exchanges, 6u) << "no storm";
  EXPECT_LE(aad_tokens, 6u);
}

// Credentials revoked behind the daemon's back: the registry's token endpoint refuses the refresh token it holds,
// and the next token request fetches a new one (once, past the floor of a minute since the last) instead of
// failing the run.
TEST_F(AzureIdentity, DaemonFetchesAnewWhenTheRegistryRefusesWhatItHolds) {
  using namespace std::chrono_literals;
  aad.accept_secret("daemon-secret");
  const std::string listen = "127.0.0.1:" + std::to_string(free_port());
  const std::string config = dir + "/revoked.yaml";
  write_file(config, "state_dir: " + dir + "/state-revoked\ndaemon: {listen: \"" + listen + "\"}\nregistries:\n  " +
                         src->host() + ": {tls: disabled}\n  " + acr.host() +
                         ": {tls: disabled, profile: acr}\npolicies:\n  - name: revoked\n    from: " + src->host() +
                         "/team\n    to: " + acr.host() + "/revoked\n    repositories: [app, 'late/*']\n" +
                         "    schedule: {every: 2s}\n");
  auto env = base_env();
  env.insert({{"AZURE_TENANT_ID", tenant}, {"AZURE_CLIENT_ID", client}, {"AZURE_CLIENT_SECRET", "daemon-secret"}});
  scoped_env vars(env);
  background daemon({ocimirror_bin(), "daemon", "--config", config, "--log-format", "json"}, dir);
  const auto mirrored = [&](const std::string& ref) {
    return eventually(
        [&] {
          return cli({"inspect", "--plain-http-host", acr.host(), "--registry-profile", acr.host() + "=acr", ref}, env)
                     .exit_code == 0;
        },
        30s);
  };
  ASSERT_TRUE(mirrored(acr.host() + "/revoked/app:v1")) << daemon.err();
  std::this_thread::sleep_for(62s);  // past the floor since the daemon's exchange
  const auto before = acr.exchanges();
  acr.revoke_refresh_tokens();
  seeder({src->host()})
      .image("team/late/one", "v1",
             image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", "after the revocation"}}});
  EXPECT_TRUE(mirrored(acr.host() + "/revoked/late/one:v1")) << daemon.err();
  EXPECT_GE(acr.revoked_seen(), 1u) << "the daemon's token request met the revocation";
  EXPECT_GE(acr.exchanges(), before + 1) << "and it exchanged anew";
  auto m = run({"curl", "-s", "http://" + listen + "/metrics"});
  EXPECT_NE(m.out.find("ocimirror_policy_runs_total{policy=\"revoked\",result=\"failure\"} 0"), std::string::npos)
      << "no run failed\n"
      << daemon.err();
}
