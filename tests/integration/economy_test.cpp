// Request economy on real registries whose access logs count every request. A cold run into a destination that
// lacks the repositories asks each destination repository once (its tag list) and nothing else before writing: no
// HEAD for tags, manifests or blobs, since what a missing repository holds is what the run wrote. At the source a
// tag headed for a copy is fetched once (no HEAD before the GET). Writing stays complete: two tags on one manifest
// in a fresh repository cost one more PUT and no second upload; a repository the destination already has is still
// asked blob by blob, and what it holds is not sent again.
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/registry/referrers.hpp"

#include <boost/json.hpp>

#include <atomic>
#include <fstream>
#include <thread>

using namespace ocimirror::testing;
namespace json = boost::json;

namespace {

const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";

struct tally {
  std::size_t heads = 0, tag_lists = 0, manifest_gets = 0, manifest_puts = 0, upload_starts = 0;
};

tally count(const std::vector<std::string>& seen, std::size_t from) {
  tally t;
  for (auto i = from; i < seen.size(); ++i) {
    const auto& r = seen[i];
    t.heads += r.starts_with("HEAD ");
    t.tag_lists += r.find("/tags/list") != std::string::npos;
    t.manifest_gets += r.starts_with("GET ") && r.find("/manifests/") != std::string::npos;
    t.manifest_puts += r.starts_with("PUT ") && r.find("/manifests/") != std::string::npos;
    t.upload_starts += r.starts_with("POST ") && r.find("/blobs/uploads/") != std::string::npos;
  }
  return t;
}

class Economy : public ::testing::Test {
 protected:
  registry_fixture src{{.access_log = true}}, dst{{.access_log = true}};
  std::string config = dst.dir() + "/mirror.yaml";

  void SetUp() override {
    seeder s({src.host()});
    const std::string base(300000, 'b');
    const image_spec v1{.layers = {{gz, base}, {gz, "app v1"}}};
    s.image("acme/app", "v1", v1);
    s.image("acme/app", "v2", image_spec{.layers = {{gz, base}, {gz, "app v2"}}});
    s.image("acme/app", "stable", v1);  // the same bytes: a second tag on v1's manifest
    image_spec arm;
    arm.layers = {{gz, base}, {gz, "tool arm"}};
    arm.config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
    auto a = s.image("acme/tool", "", image_spec{.layers = {{gz, base}, {gz, "tool amd"}}});
    auto r = s.image("acme/tool", "", arm);
    s.index("acme/tool", "1.0", {{a, "linux/amd64"}, {r, "linux/arm64"}});
    std::ofstream(config) << "state_dir: " << dst.dir() << "/state\nregistries:\n  " << src.host()
                          << ": {tls: disabled}\n  " << dst.host() << ": {tls: disabled}\npolicies:\n  - name: p\n"
                          << "    from: " << src.host() << "/acme\n    to: " << dst.host() << "/mirror\n"
                          << "    repositories: [app, tool]\n";
  }
  json::value sync() {
    auto r = cli({"sync", "--config", config, "-q", "-o", "json"});
    EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
    return r.out.empty() ? json::value() : json::parse(r.out);
  }
  void same_at_both_ends() {
    for (const char* ref : {"app:v1", "app:v2", "app:stable", "tool:1.0"}) {
      auto want = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + src.host() + "/acme/" + ref});
      auto got = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + dst.host() + "/mirror/" + ref});
      EXPECT_EQ(got.exit_code, 0) << ref << got.err;
      EXPECT_EQ(got.out, want.out) << ref;
    }
  }
};

TEST_F(Economy, ColdRunIntoMissingRepositoriesAsksOnlyTheirTagLists) {
  const auto s0 = src.requests().size(), d0 = dst.requests().size();
  const auto doc = sync();
  const auto at_dst = count(dst.requests(), d0), at_src = count(src.requests(), s0);
  same_at_both_ends();
  std::string steps;  // where the time went, step by step
  for (const auto& [step, seconds] : doc.at("policies").at(0).at("phaseSeconds").as_object()) {
    steps += std::string(step) + " ";
    EXPECT_GE(seconds.to_number<double>(), 0.0);
  }
  EXPECT_EQ(steps, "list plan copy referrers prune ");
  EXPECT_EQ(at_dst.heads, 0u) << "the destination was asked about something a missing repository cannot hold";
  EXPECT_EQ(at_dst.tag_lists, 2u);
  // app: v1, v2 and stable (a second tag on v1's manifest: one more PUT); tool: two images and their index.
  EXPECT_EQ(at_dst.manifest_puts, 6u);
  // app: base, two configs... each (repository, blob) once: a blob the run placed in app is mounted into tool.
  // app holds base, v1, v2, config(s); tool holds base (mounted), two layers, two configs.
  EXPECT_LE(at_dst.upload_starts, 9u);
  EXPECT_EQ(at_src.heads, 0u) << "a tag headed for a copy was looked at before it was fetched";
  EXPECT_EQ(at_src.manifest_gets, 3u + 1u + 2u);  // each tag once, each child of the index once
}

TEST_F(Economy, ARepositoryTheDestinationHasIsStillAskedAndNothingIsSentTwice) {
  {  // the destination already has app (someone else's copy of v1), with no cache to say so
    auto r = run({"skopeo", "copy", "--all", "--preserve-digests", "--src-tls-verify=false", "--dest-tls-verify=false",
                  "docker://" + src.host() + "/acme/app:v1", "docker://" + dst.host() + "/mirror/app:v1"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto d0 = dst.requests().size();
  sync();
  auto seen = dst.requests();
  same_at_both_ends();
  std::size_t base_uploads = 0;
  for (auto i = d0; i < seen.size(); ++i)
    if (seen[i].starts_with("PUT ") && seen[i].find("/mirror/app/blobs/uploads/") != std::string::npos) ++base_uploads;
  // v2's new layer and its config; not the base, which v1 brought.
  EXPECT_LE(base_uploads, 2u);
  EXPECT_GE(count(seen, d0).heads, 1u) << "an existing repository was trusted without asking";
}

TEST_F(Economy, ATagDeletedBehindTheCachesBackIsSeenInTheListingANewTagBrings) {
  sync();
  auto digest = run({"skopeo", "inspect", "--format", "{{.Digest}}", "--tls-verify=false",
                     "docker://" + dst.host() + "/mirror/app:v2"});
  ASSERT_EQ(digest.exit_code, 0) << digest.err;
  digest.out.erase(digest.out.find_last_not_of("\n") + 1);
  auto del = run({"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "DELETE",
                  "http://" + dst.host() + "/v2/mirror/app/manifests/" + digest.out});
  ASSERT_EQ(del.out, "202");
  seeder s({src.host()});
  s.image("acme/app", "v3", image_spec{.layers = {{gz, "app v3"}}});  // the repository is listed again for it
  sync();
  same_at_both_ends();  // v2 is back, though the cache remembered it
}

TEST_F(Economy, AWarmRunWithSignaturesAndSbomsAsksOnePerSourceTagAndNothingAtTheDestination) {
  seeder s({src.host()});
  auto head = [&](const std::string& ref) {  // the subject as the source holds it
    auto r = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + src.host() + "/acme/" + ref});
    const bool index = r.out.find("\"manifests\"") != std::string::npos;
    return pushed{ocimirror::transfer::sha256_digest(r.out),
                  std::string(index ? ocimirror::transfer::media::oci_index : ocimirror::transfer::media::oci_manifest),
                  r.out.size()};
  };
  const auto app = head("app:v1"), tool = head("tool:1.0");
  s.cosign_signature("acme/app", app.digest, R"({"critical":{}})", "MEUCIQ");
  s.cosign_signature("acme/tool", tool.digest, R"({"critical":{}})", "MEUCIQ");
  s.referrers_index("acme/tool", tool, {s.sbom("acme/tool", tool, R"({"spdxVersion":"SPDX-2.3"})")});
  sync();
  const auto s0 = src.requests().size(), d0 = dst.requests().size();
  sync();
  const auto at_src = count(src.requests(), s0);
  EXPECT_EQ(dst.requests().size(), d0) << "the warm run asked the destination";
  EXPECT_EQ(at_src.heads, 7u) << "one per source tag: v1, v2, stable, 1.0, two signatures and the referrers tag";
  EXPECT_EQ(at_src.manifest_gets, 0u);
  auto sig =
      run({"skopeo", "inspect", "--raw", "--tls-verify=false",
           "docker://" + dst.host() + "/mirror/tool:" + ocimirror::transfer::referrers::fallback_tag(tool.digest)});
  EXPECT_EQ(sig.exit_code, 0) << "the SBOM's referrers tag was not mirrored";
}

// Discovery overlaps with copying: the source's answer to one repository's tag list is held back until the
// destination has a manifest of the other repository (at most 10 s). A run with a barrier between listing and
// copying would wait out the 10 s and copy nothing meanwhile.
TEST_F(Economy, CopiesStartWhileAnotherRepositoryIsStillBeingListed) {
  std::atomic<bool> overlapped{false};
  fault_proxy slow("127.0.0.1", src.port(),
                   [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
                     if (!req.target().starts_with("/v2/acme/tool/tags/list")) return std::nullopt;
                     for (int i = 0; i < 200 && !overlapped; ++i) {
                       for (const auto& r : dst.requests())
                         if (r.starts_with("PUT /v2/mirror/app/manifests/")) overlapped = true;
                       if (!overlapped) std::this_thread::sleep_for(std::chrono::milliseconds(50));
                     }
                     return std::nullopt;  // forwarded now
                   });
  std::ofstream(config) << "state_dir: " << dst.dir() << "/state\nregistries:\n  " << slow.host()
                        << ": {tls: disabled}\n  " << dst.host() << ": {tls: disabled}\npolicies:\n  - name: p\n"
                        << "    from: " << slow.host() << "/acme\n    to: " << dst.host() << "/mirror\n"
                        << "    repositories: [app, tool]\n";
  sync();
  EXPECT_TRUE(overlapped) << "no copy to mirror/app began while acme/tool's tag list was outstanding";
  same_at_both_ends();
}

}  // namespace
