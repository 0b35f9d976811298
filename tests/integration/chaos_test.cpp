// Faults injected into real traffic: a sync of 50 repositories (100 tags of every kind) from a token-auth registry
// to a plain one, both behind seeded chaos proxies. At 10 % of requests faulted one run finishes complete; at 60 %
// what failed is named exactly, nothing broken is left behind, and a later run converges.
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/fleet.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/token_server.hpp"
#include "transfer/registry/credentials.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

class Chaos : public ::testing::Test {
 protected:
  static inline std::string dir;
  static inline token_keys* keys = nullptr;
  static inline token_server* tokens = nullptr;
  static inline registry_fixture *src = nullptr, *dst = nullptr;
  static inline std::vector<fleet_tag> fleet;

  static void SetUpTestSuite() {
    dir = make_temp_dir("ocimirror-chaos");
    keys = new token_keys(token_keys::make(dir + "/token"));
    tokens = new token_server(*keys, {{"admin", "root"}, {"mirror", "s3cret-mirror-pw"}},
                              [](const std::string& user, const std::string& repo, const std::string& action) {
                                return user == "admin" || (user == "mirror" && (action == "pull" || repo == "catalog"));
                              });
    src = new registry_fixture({.mode = registry_options::kind::token, .token_realm = tokens->realm(), .keys = keys});
    dst = new registry_fixture({});
    fleet = seed_fleet({.registry = src->host(), .creds = ocimirror::transfer::credentials{"admin", "root", {}}}, 50);
  }
  static void TearDownTestSuite() {
    delete src, delete dst, delete tokens, delete keys;
    fs::remove_all(dir);
  }

  /// A docker config with the mirror user's credentials for host, and a policy from there to `to`/PREFIX.
  static std::string write_config(const std::string& name, const std::string& from, const std::string& to,
                                  const std::string& prefix, const std::string& repositories = "'**'") {
    const std::string d = dir + "/" + name;
    fs::create_directories(d + "/docker");
    std::ofstream(d + "/docker/config.json")
        << R"({"auths":{")" << from << R"(":{"auth":")" << ocimirror::transfer::base64_encode("mirror:s3cret-mirror-pw")
        << "\"}}}";
    std::ofstream(d + "/mirror.yaml") << "state_dir: " << d << "/state\nregistries:\n  " << from
                                      << ": {tls: disabled}\n  " << tokens->host() << ": {tls: disabled}\n  " << to
                                      << ": {tls: disabled}\npolicies:\n  - name: fleet\n    from: " << from
                                      << "/fleet\n    to: " << to << "/" << prefix << "\n    repositories: ["
                                      << repositories << "]\n";
    return d;
  }
  static run_result sync(const std::string& d) {
    return cli({"sync", "--config", d + "/mirror.yaml", "-q", "-o", "json"}, {{"DOCKER_CONFIG", d + "/docker"}});
  }
  /// The fleet tags whose digest at the destination (asked of skopeo, around the proxies) is not the source's.
  static std::set<std::string> missing_at_destination(const std::string& prefix, const std::string& under = "fleet/") {
    std::set<std::string> missing;
    for (const auto& t : fleet) {
      if (!t.repo.starts_with(under)) continue;
      const std::string ref = prefix + t.repo.substr(5) + ":" + t.tag;  // fleet/x -> prefix/x
      if (skopeo_digest(dst->host() + "/" + ref) != t.digest) missing.insert(ref);
    }
    return missing;
  }
  /// Every blob the destination stores hashes to its name: no flipped or cut body ever landed.
  static std::size_t corrupt_blobs() {
    std::size_t bad = 0;
    const fs::path root = dst->storage() + "/docker/registry/v2/blobs/sha256";
    if (!fs::exists(root)) return 0;
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (e.path().filename() != "data") continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::string bytes((std::istreambuf_iterator<char>(in)), {});
      if (ocimirror::transfer::sha256_digest(bytes) != "sha256:" + e.path().parent_path().filename().string()) ++bad;
    }
    return bad;
  }
};

TEST_F(Chaos, TenPercentOfRequestsFaultedOneRunIsComplete) {
  fault_proxy from("127.0.0.1", src->port(), chaos_settings{.seed = 7, .rate = 0.10});
  fault_proxy to("127.0.0.1", dst->port(), chaos_settings{.seed = 8, .rate = 0.10});
  const auto d = write_config("ten", from.host(), to.host(), "ten");
  auto r = sync(d);
  std::cout << "[chaos 10%] source: " << from.requests() << " requests, " << from.faults() << " faulted ("
            << from.fault_summary() << "); destination: " << to.requests() << " requests, " << to.faults()
            << " faulted (" << to.fault_summary() << "); flipped bodies at the source: " << from.flip_summary()
            << "; exit " << r.exit_code << "\n";
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_GE(fleet.size(), 100u);
  EXPECT_EQ(missing_at_destination("ten"), std::set<std::string>{});
  EXPECT_EQ(corrupt_blobs(), 0u);
  // Every kind of fault happened: the rate is real, not luck.
  for (auto k : {fault_kind::throttle, fault_kind::server_error, fault_kind::reset, fault_kind::truncate,
                 fault_kind::flip, fault_kind::drip, fault_kind::expired_token})
    EXPECT_GT(from.faults(k), 0u) << fault_name(k);
  EXPECT_GE(from.faults() + to.faults(), (from.requests() + to.requests()) / 20);
  // The next run is cache hits only, the destination is not asked.
  auto again = sync(d);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(json::parse(again.out).at("policies").at(0).at("tags").at("copied").as_int64(), 0);
}

TEST_F(Chaos, AtFaultRatesTooHighToAbsorbFailuresAreNamedExactlyAndALaterRunConverges) {
  // The source alone this time (throttling at both ends would only make the run slower, not the failures different).
  fault_proxy from("127.0.0.1", src->port(), chaos_settings{.seed = 11, .rate = 0.6});
  fault_proxy to("127.0.0.1", dst->port(), chaos_settings{.seed = 12, .rate = 0.0});
  const auto d = write_config("half", from.host(), to.host(), "half", "'apps/**'");
  auto r = sync(d);
  std::cout << "[chaos 60%] source: " << from.requests() << " requests, " << from.faults() << " faulted; exit "
            << r.exit_code << "\n";
  ASSERT_FALSE(r.out.empty()) << r.err;
  SCOPED_TRACE("report: " + r.out.substr(r.out.find("\"failures\"")));
  const auto report = json::parse(r.out);
  const auto& failures = report.at("policies").at(0).at("failures").as_array();
  // The code of the failures' kind when they agree (5 when every failure is a network one), else 1.
  std::set<int> codes;
  for (const auto& f : failures) {
    const std::string kind(f.at("kind").as_string());
    codes.insert(kind == "network" || kind == "timeout" || kind == "tls" ? 5
                 : kind == "unauthorized" || kind == "denied"            ? 4
                 : kind == "not_found"                                   ? 3
                 : kind == "bad_digest" || kind == "digest_mismatch" || kind == "bad_manifest" || kind == "too_large" ||
                         kind == "bad_archive"
                     ? 6
                     : 1);
  }
  EXPECT_EQ(r.exit_code, codes.empty() ? 0 : codes.size() == 1 ? *codes.begin() : 1) << r.err;
  std::vector<std::string> named;
  for (const auto& f : failures) named.emplace_back(f.at("what").as_string());
  // Each missing tag is named (its copy, or the listing of its repository, failed) ...
  const auto missing = missing_at_destination("half", "fleet/apps/");
  std::cout << "[chaos 60%] " << missing.size() << " of 40 tags missing, " << named.size() << " failures named\n";
  for (const auto& m : missing) {
    const std::string repo = m.substr(0, m.find(':')), src_repo = "fleet" + repo.substr(4);
    const bool found = std::any_of(named.begin(), named.end(), [&](const std::string& w) {
      return w.find(to.host() + "/" + m) != std::string::npos || w.ends_with("/" + src_repo) ||
             w.starts_with("list repositories of ");
    });
    EXPECT_TRUE(found) << m << " is missing but no failure names it";
  }
  // ... and each tag named as failed is really absent: a failed copy never leaves a tag behind. (A failure to
  // carry a copied tag's referrers names the tag too, but the tag itself is there.)
  for (const auto& w : named) {
    if (w.starts_with("referrers of ")) continue;
    if (auto at = w.find(" -> " + to.host() + "/"); at != std::string::npos) {
      EXPECT_TRUE(missing.count(w.substr(at + 4 + to.host().size() + 1))) << w << " was reported failed but is present";
    }
  }
  EXPECT_EQ(corrupt_blobs(), 0u);

  from.set_rate(0);  // the network heals
  auto later = sync(d);
  ASSERT_EQ(later.exit_code, 0) << later.err << later.out;
  EXPECT_EQ(missing_at_destination("half", "fleet/apps/"), std::set<std::string>{});
  EXPECT_EQ(corrupt_blobs(), 0u);
}

}  // namespace
