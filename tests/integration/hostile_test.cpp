// A source an attacker controls (tests/support/hostile_registry.hpp) and a network that misbehaves: every list it
// serves is bounded and loop-proof, names that climb out never become URLs or paths, no password goes to a plain
// HTTP token realm, a trickled body is given up, nesting is bounded, its error text cannot forge a log line; and
// the admin API keeps answering under a flood of half-sent requests.
#include "tests/integration/helpers.hpp"
#include "tests/support/hostile_registry.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "transfer/registry/credentials.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <unistd.h>

using namespace ocimirror::testing;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

namespace {

class Hostile : public ::testing::Test {
 protected:
  static inline hostile_registry* evil = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline std::string dir;
  static void SetUpTestSuite() {
    evil = new hostile_registry();
    dst = new registry_fixture({});
    dir = make_temp_dir("ocimirror-hostile");
  }
  static void TearDownTestSuite() {
    delete evil, delete dst;
    fs::remove_all(dir);
  }
  /// A config mirroring `repositories` (YAML flow list) of the hostile registry into dst/mirror.
  static std::string config(const std::string& name, const std::string& repositories,
                            const std::string& evil_settings = "") {
    const std::string path = dir + "/" + name + ".yaml";
    std::ofstream(path) << "state_dir: " << dir << "/state-" << name << "\nregistries:\n  " << evil->host()
                        << ": {tls: disabled" << evil_settings << "}\n  " << dst->host()
                        << ": {tls: disabled}\npolicies:\n  - name: p\n    from: " << evil->host()
                        << "\n    to: " << dst->host() << "/mirror\n"
                        << (repositories.empty() ? "" : "    repositories: " + repositories + "\n");
    return path;
  }
  /// Runs argv under a 1 GiB address-space limit: memory is checked, not assumed.
  static run_result capped(const std::vector<std::string>& argv) {
    std::string cmd = "ulimit -v 1048576; exec";
    for (const auto& a : argv) cmd += " '" + a + "'";
    return run({"bash", "-c", cmd});
  }
};

TEST_F(Hostile, ListsThatLoopOrNeverEndAreBoundedUnderAMemoryCap) {
  // A Link back at the page itself ends the list: each tag once.
  auto r = capped({ocimirror_bin(), "tags", "--plain-http", evil->host() + "/loop/self"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "a\nb\n");
  // One new tag per page forever, or the same thousand tags on ever "new" pages: the page bound refuses the list,
  // naming the registry; the run fails that repository and nothing is copied.
  for (const char* repo : {"loop/endless", "loop/repeat"}) {
    const auto before = evil->requests();
    r = capped({ocimirror_bin(), "sync", "-q", "--config",
                config("pages", std::string("[") + repo + "]", ", list_max_pages: 200")});
    EXPECT_EQ(r.exit_code, 6) << r.err;  // too large: the integrity class
    EXPECT_NE(r.err.find("registry " + evil->host() + " paged its tags list past 200 pages"), std::string::npos)
        << r.err;
    EXPECT_LE(evil->requests() - before, 205u) << repo;
  }
}

TEST_F(Hostile, NamesThatClimbOutNeverBecomeURLsOrPaths) {
  // The catalog lists x/../prod/web: refused (after fetching it again, in case it was garbled), nothing written.
  auto r = cli({"sync", "-q", "--config", config("catalog", "")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("listed 'x/../prod/web', which is not a valid name"), std::string::npos) << r.err;
  // A tag list with ../../victim: the same.
  r = cli({"sync", "-q", "--config", config("tags", "[names/escape]")});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_NE(r.err.find("'../../victim', which is not a valid name"), std::string::npos) << r.err;
  EXPECT_EQ(run({"curl", "-s", "http://" + dst->host() + "/v2/_catalog"}).out.find("prod"), std::string::npos);
  // A layout whose index names ../../victim:v1: reported, never mapped.
  const std::string layout = dir + "/layout";
  fs::create_directories(layout + "/blobs/sha256");
  std::ofstream(layout + "/oci-layout") << R"({"imageLayoutVersion":"1.0.0"})";
  std::ofstream(layout + "/index.json")
      << R"({"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)"
      << std::string(64, 'a')
      << R"(","size":2,"annotations":{"org.opencontainers.image.ref.name":"../../victim:v1"}}]})";
  const std::string cfg = dir + "/layout.yaml";
  std::ofstream(cfg) << "state_dir: " << dir << "/state-layout\nregistries:\n  " << dst->host()
                     << ": {tls: disabled}\npolicies:\n  - name: l\n    from: oci:" << layout
                     << "\n    to: " << dst->host() << "/l\n";
  r = cli({"sync", "-q", "--config", cfg});
  EXPECT_NE(r.err.find("ref name '../../victim:v1' is not a valid [REPO:]TAG"), std::string::npos) << r.err;
  EXPECT_EQ(run({"curl", "-s", "http://" + dst->host() + "/v2/_catalog"}).out.find("victim"), std::string::npos);
}

TEST_F(Hostile, NoPasswordGoesToAPlainHTTPTokenRealm) {
  hostile_registry realm("localhost");  // challenges with Bearer realm="http://localhost:PORT/token"
  fs::create_directories(dir + "/docker");
  std::ofstream(dir + "/docker/config.json") << R"({"auths":{")" << realm.host() << R"(":{"auth":")"
                                             << ocimirror::transfer::base64_encode("mirror:hunter2-secret") << "\"}}}";
  auto r = cli({"tags", "--plain-http-host", realm.host(), realm.host() + "/loop/self"},
               {{"DOCKER_CONFIG", dir + "/docker"}});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("over plain HTTP"), std::string::npos) << r.err;
  EXPECT_EQ(realm.token_requests_with_credentials(), 0u);
  // Anonymous, nothing secret is at stake: the same realm is used.
  r = cli({"tags", "--plain-http-host", realm.host(), realm.host() + "/loop/self"}, {{"DOCKER_CONFIG", dir + "/none"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // The realm's host configured as plain HTTP too: the operator said so, credentials go.
  r = cli({"tags", "--plain-http-host", realm.host(), "--plain-http-host", "localhost:" + realm.host().substr(10),
           realm.host() + "/loop/self"},
          {{"DOCKER_CONFIG", dir + "/docker"}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GT(realm.token_requests_with_credentials(), 0u);
}

TEST_F(Hostile, ATrickledBodyIsGivenUpByRateAndByDeadline) {
  const auto start = std::chrono::steady_clock::now();
  auto r = cli({"inspect", "--plain-http", "--min-rate", "2048", "--min-rate-window", "1", "--deadline", "0",
                evil->host() + "/slow/app:v1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("(--min-rate)"), std::string::npos) << r.err;
  r = cli({"inspect", "--plain-http", "--min-rate", "0", "--deadline", "1", evil->host() + "/slow/app:v1"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("(--deadline)"), std::string::npos) << r.err;
  EXPECT_LT(std::chrono::steady_clock::now() - start, 60s);
  r = cli({"inspect", "--plain-http", "--timeout", "0", evil->host() + "/slow/app:v1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = cli({"copy", "--plain-http", "--chunk-size", "1", evil->host() + "/slow/app:v1", dst->host() + "/x:v1"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
}

TEST_F(Hostile, DeepIndexesAndForgedLogLinesAreRefused) {
  auto r = cli({"copy", "--plain-http", evil->host() + "/deep/chain:v1", dst->host() + "/deep:v1"});
  EXPECT_EQ(r.exit_code, 6) << r.err;
  EXPECT_NE(r.err.find("nests indexes deeper than 8 levels"), std::string::npos) << r.err;
  r = cli({"inspect", "--plain-http", evil->host() + "/inject/app:v1"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;  // one line, no forged second one
  EXPECT_EQ(r.err.find('\x1b'), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("boom\\x0aocimirror: error: forged line\\x1b[2J"), std::string::npos) << r.err;
}

TEST_F(Hostile, TheAdminAPIAnswersThroughAFloodAndRefusesAnOpenAddressWithoutAToken) {
  const std::string cfg = dir + "/daemon.yaml", listen = "127.0.0.1:" + std::to_string(free_port());
  std::ofstream(cfg) << "state_dir: " << dir << "/state-daemon\ndaemon: {listen: \"" << listen << "\"}\nregistries:\n  "
                     << dst->host() << ": {tls: disabled}\npolicies:\n  - name: p\n    from: " << dst->host()
                     << "/nothing\n    to: " << dst->host() << "/else\n    repositories: [none]\n";
  // On every address without a token: refused, saying why and how to allow it.
  auto r = cli({"daemon", "--config", cfg, "--listen", "0.0.0.0:" + std::to_string(free_port())});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("without daemon.token"), std::string::npos) << r.err;

  background d({ocimirror_bin(), "daemon", "--config", cfg}, dir);
  ASSERT_TRUE(eventually(
      [&] {
        return run({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://" + listen + "/healthz"}).out ==
               "200";
      },
      10s))
      << d.err();
  // 600 connections that each send half a request and wait.
  boost::asio::io_context io;
  std::vector<boost::asio::ip::tcp::socket> flood;
  const auto port = static_cast<unsigned short>(std::stoi(listen.substr(10)));
  for (int i = 0; i < 600; ++i) {
    boost::asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect({boost::asio::ip::make_address("127.0.0.1"), port}, ec);
    if (ec) break;
    boost::asio::write(
        s, boost::asio::buffer(std::string("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ") + std::string(8000, 'p')),
        ec);
    flood.push_back(std::move(s));
  }
  const auto asked = std::chrono::steady_clock::now();
  auto health =
      run({"curl", "-s", "-m", "5", "-o", "/dev/null", "-w", "%{http_code}", "http://" + listen + "/healthz"});
  EXPECT_EQ(health.out, "200") << d.err();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, 3s);
  // The daemon holds at most its cap of them, and little memory for them.
  std::ifstream status("/proc/" + std::to_string(d.pid()) + "/status");
  std::string line, rss;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) rss = line;
  EXPECT_LT(std::stol(rss.substr(6)), 100 * 1024) << rss;  // KiB
  std::size_t fds = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator("/proc/" + std::to_string(d.pid()) + "/fd")) ++fds;
  EXPECT_LT(fds, 64u + 40u);
}

}  // namespace

namespace {

TEST_F(Hostile, WhatAKilledWriterLeftIsSweptAndLoginLeavesASharedDirectoryAlone) {
  // A layout with a killed writer's temporary files: the next writer (holding the lock) removes them.
  const std::string layout = dir + "/swept";
  seeder({dst->host()})
      .image("small/app", "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar+gzip", "x"}}});
  const std::string small = dst->host() + "/small/app:v1";
  auto r = cli({"copy", "--plain-http", small, "oci:" + layout + ":one"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ofstream(layout + "/blobs/sha256/.tmp-0123456789abcdef-42") << "half a blob";
  std::ofstream(layout + "/index.json.tmp-99999-1") << "{";
  std::ofstream(layout + "/keep-me") << "not ours";
  r = cli({"copy", "--plain-http", small, "oci:" + layout + ":two"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(layout + "/blobs/sha256/.tmp-0123456789abcdef-42"));
  EXPECT_FALSE(fs::exists(layout + "/index.json.tmp-99999-1"));
  EXPECT_TRUE(fs::exists(layout + "/keep-me"));
  // An archive's partial file from a process that is gone is removed; one of a live process is not.
  auto gone = run({"bash", "-c", "echo $$"});
  const std::string dead = dir + "/bundle.tar.partial-" + gone.out.substr(0, gone.out.find('\n'));
  const std::string alive = dir + "/bundle.tar.partial-" + std::to_string(::getpid());
  std::ofstream(dead) << "x";
  std::ofstream(alive) << "x";
  r = cli({"copy", "--plain-http", small, "oci-archive:" + dir + "/bundle.tar:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(alive));
  // login into a shared (1777) DOCKER_CONFIG directory: the file is private, the directory keeps its mode.
  const std::string shared = dir + "/shared-config";
  fs::create_directories(shared);
  fs::permissions(shared, fs::perms::all | fs::perms::sticky_bit);
  r = cli({"login", "--plain-http", dst->host(), "-u", "u", "--password-stdin"}, {{"DOCKER_CONFIG", shared}}, "pw\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(fs::status(shared).permissions(), fs::perms::all | fs::perms::sticky_bit);
  EXPECT_EQ(fs::status(shared + "/config.json").permissions(), fs::perms::owner_read | fs::perms::owner_write);
}

}  // namespace
