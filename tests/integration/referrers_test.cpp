// Signatures, SBOMs and attestations travel with their subjects to a registry without a referrers API (the
// fallback tag is maintained there), the referrers API path is served from recorded responses by a proxy, and the
// signature gate passes only tags signed by the trusted key for their own digest.
#include "transfer/registry/referrers.hpp"
#include "daemon/cli/flags.hpp"
#include "tests/integration/helpers.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "tests/support/signing.hpp"

#include <boost/json.hpp>

#include <atomic>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace refs = ocimirror::transfer::referrers;

namespace {

const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";
const std::string oci_manifest = "application/vnd.oci.image.manifest.v1+json";
const std::string oci_index = "application/vnd.oci.image.index.v1+json";

class Referrers : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline signing_key* key = nullptr;
  static inline std::string dir;
  static inline std::map<std::string, pushed> images;  // tag -> image
  static inline pushed sig_v1, sig_of_sig, sbom, sbom2;

  /// A cosign signature manifest (tag sha256-<hex>.sig) over `names`, signed by k.
  static pushed sign(seeder& s, const std::string& repo, const std::string& digest, const std::string& names,
                     const signing_key& k) {
    const auto payload = simple_signing_payload(src->host() + "/" + repo, names);
    return s.cosign_signature(repo, digest, payload, k.sign(payload));
  }

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    key = new signing_key();
    dir = make_temp_dir("ocimirror-referrers");  // per process: ctest -j runs each case in its own
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    write_file(dir + "/cosign.pub", key->public_pem());
    seeder s({src->host()});
    for (const char* tag : {"v1", "v2", "v3", "v4"})
      images[tag] = s.image("acme/app", tag, image_spec{.layers = {{gz, "base"}, {gz, std::string("app ") + tag}}});
    sig_v1 = sign(s, "acme/app", images["v1"].digest, images["v1"].digest, *key);
    sig_of_sig = sign(s, "acme/app", sig_v1.digest, sig_v1.digest, *key);
    signing_key stranger;
    sign(s, "acme/app", images["v3"].digest, images["v3"].digest, stranger);  // the wrong key
    sign(s, "acme/app", images["v4"].digest, images["v1"].digest, *key);      // names another digest
    sbom = s.sbom("acme/app", images["v1"], R"({"spdxVersion":"SPDX-2.3","name":"app v1"})");
    s.referrers_index("acme/app", images["v1"], {sbom});
  }
  static void TearDownTestSuite() {
    delete src;
    delete dst;
    delete key;
    std::filesystem::remove_all(dir);
  }

  static run_result sync(const std::string& name, const std::string& from, const std::string& extra) {
    const std::string path = dir + "/" + name + ".yaml";
    const std::string proxy = from == src->host() ? "" : "  " + from + ": {tls: disabled}\n";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n" + proxy + "  " + src->host() +
                         ": {tls: disabled}\n  " + dst->host() + ": {tls: disabled}\npolicies:\n  - name: " + name +
                         "\n    from: " + from + "/acme\n    to: " + dst->host() + "/" + name + "\n" + extra);
    return cli({"sync", "-q", "-o", "json", "--config", path});
  }
  static std::vector<std::string> fallback_at_dst(const std::string& repo, const std::string& digest) {
    auto r = run({"skopeo", "inspect", "--raw", "--tls-verify=false",
                  "docker://" + dst->host() + "/" + repo + ":" + refs::fallback_tag(digest)});
    std::vector<std::string> out;
    if (r.exit_code != 0) return out;
    for (const auto& d : *refs::parse_index(r.out)) out.push_back(d.digest);
    return out;
  }
};

TEST_F(Referrers, SignaturesAndSbomsTravelWithTheirSubjectAndTheFallbackIndexIsKept) {
  auto r = sync("travel", src->host(), "    tags: {include: ['^v1$']}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const std::string to = dst->host() + "/travel/app";
  EXPECT_EQ(skopeo_digest(to + ":v1"), images["v1"].digest);
  EXPECT_EQ(skopeo_digest(to + ":" + refs::cosign_tags(images["v1"].digest)[0]), sig_v1.digest)
      << "the signature follows";
  EXPECT_EQ(skopeo_digest(to + ":" + refs::cosign_tags(sig_v1.digest)[0]), sig_of_sig.digest)
      << "and its own signature";
  EXPECT_EQ(skopeo_digest(to + "@" + sbom.digest), sbom.digest) << "the SBOM, by digest";
  EXPECT_EQ(fallback_at_dst("travel/app", images["v1"].digest), std::vector<std::string>{sbom.digest});
  EXPECT_TRUE(skopeo_digest(to + ":v2").empty()) << "the tag rules still apply to ordinary tags";
  auto report = json::parse(r.out).at("policies").at(0);
  EXPECT_EQ(report.at("referrers").at("manifests").as_int64(), 1);
  EXPECT_EQ(report.at("referrers").at("cosignTags").as_int64(), 2);

  // A second SBOM published later for the unchanged tag arrives; the destination's index is merged, not replaced.
  seeder s({src->host()});
  sbom2 = s.sbom("acme/app", images["v1"], R"({"spdxVersion":"SPDX-2.3","name":"app v1, again"})");
  s.referrers_index("acme/app", images["v1"], {sbom, sbom2});
  auto again = sync("travel", src->host(), "    tags: {include: ['^v1$']}\n");
  ASSERT_EQ(again.exit_code, 0) << again.err << again.out;
  EXPECT_EQ(fallback_at_dst("travel/app", images["v1"].digest), (std::vector<std::string>{sbom.digest, sbom2.digest}));
  EXPECT_EQ(skopeo_digest(to + "@" + sbom2.digest), sbom2.digest);

  // referrers: false leaves them all behind.
  auto off = sync("off", src->host(), "    tags: {include: ['^v1$']}\n    referrers: false\n");
  ASSERT_EQ(off.exit_code, 0) << off.err;
  EXPECT_TRUE(skopeo_digest(dst->host() + "/off/app:" + refs::cosign_tags(images["v1"].digest)[0]).empty());
  EXPECT_TRUE(fallback_at_dst("off/app", images["v1"].digest).empty());
}

// A source that speaks the referrers API: a proxy answers /referrers/ with recorded pages (Link pagination, an
// artifactType filter applied by us); a redirect or an HTML body would count as no API.
TEST_F(Referrers, TheReferrersApiPathWithPagesAndAnArtifactTypeFilter) {
  const std::string subject = images["v1"].digest;
  auto entry = [](const pushed& p, const std::string& type) {
    return json::object{{"mediaType", oci_manifest}, {"digest", p.digest}, {"size", p.size}, {"artifactType", type}};
  };
  std::atomic<int> second_pages{0};
  fault_proxy proxy(
      "127.0.0.1", src->port(), [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
        const std::string target(req.target());
        if (target.find("/referrers/") == std::string::npos) return std::nullopt;
        if (target.find("page=2") != std::string::npos) ++second_pages;
        fault_proxy::response res{boost::beast::http::status::ok, 11};
        res.set(boost::beast::http::field::content_type, oci_index);
        json::array list;
        if (target.find(subject) != std::string::npos && target.find("page=2") == std::string::npos) {
          list.push_back(entry(sbom, "application/spdx+json"));
          res.set(boost::beast::http::field::link, "</v2/acme/app/referrers/" + subject + "?page=2>; rel=\"next\"");
        } else if (target.find(subject) != std::string::npos) {
          list.push_back(entry(images["v2"], "application/vnd.example.not-wanted"));
        }
        res.body() = json::serialize(json::object{{"schemaVersion", 2}, {"mediaType", oci_index}, {"manifests", list}});
        res.prepare_payload();
        return res;
      });
  auto r = sync("api", proxy.host(),
                "    tags: {include: ['^v1$']}\n    referrers: {exclude: [application/vnd.example.not-wanted]}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const std::string to = dst->host() + "/api/app";
  EXPECT_EQ(skopeo_digest(to + "@" + sbom.digest), sbom.digest) << "found on page 1";
  EXPECT_TRUE(skopeo_digest(to + "@" + images["v2"].digest).empty()) << "page 2's entry is excluded by artifactType";
  EXPECT_EQ(fallback_at_dst("api/app", subject), std::vector<std::string>{sbom.digest});
  EXPECT_GE(second_pages.load(), 1) << "the Link header was followed";
}

TEST_F(Referrers, TheGatePassesOnlyTagsSignedByTheTrustedKeyForTheirOwnDigest) {
  auto r =
      sync("gate", src->host(), "    tags: {include: ['^v[0-9]$']}\n    verify: {cosign_public_key: cosign.pub}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const std::string to = dst->host() + "/gate/app";
  EXPECT_EQ(skopeo_digest(to + ":v1"), images["v1"].digest);
  for (const char* tag : {"v2", "v3", "v4"})
    EXPECT_TRUE(skopeo_digest(to + ":" + tag).empty()) << tag << " was mirrored";
  std::map<std::string, std::string> why;
  const auto doc = json::parse(r.out);  // named: a range-for over a member of a temporary would dangle
  for (const auto& u : doc.at("policies").at(0).at("unverified").as_array())
    why[std::string(u.at("tag").as_string())] = std::string(u.at("reason").as_string());
  const std::string base = src->host() + "/acme/app:";
  ASSERT_EQ(why.size(), 3u) << r.out;
  EXPECT_NE(why[base + "v2"].find("no cosign signature"), std::string::npos) << why[base + "v2"];
  EXPECT_NE(why[base + "v3"].find("does not verify"), std::string::npos) << why[base + "v3"];
  EXPECT_NE(why[base + "v4"].find("is for " + images["v1"].digest), std::string::npos) << why[base + "v4"];
  // The text summary names them too.
  auto text = cli({"sync", "--config", dir + "/gate.yaml"});
  EXPECT_NE(text.out.find("3 tags skipped by the signature gate"), std::string::npos) << text.out;
  // A bad key file is a configuration error with its place.
  write_file(dir + "/bad.pub", "not a key");
  auto bad = sync("badkey", src->host(), "    verify: {cosign_public_key: bad.pub}\n");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("verify.cosign_public_key"), std::string::npos) << bad.err;
}

// The client on its own against recorded answers: a redirect, an HTML page and a 404 mean "no API"; pages are joined.
TEST(ReferrersApi, UnsupportedAnswersAndPagination) {
  const std::string d = "sha256:" + std::string(64, 'd'), e = "sha256:" + std::string(64, 'e');
  auto index_of = [](const std::string& digest) {
    return json::serialize(
        json::object{{"schemaVersion", 2},
                     {"mediaType", oci_index},
                     {"manifests", json::array{{{"mediaType", oci_manifest}, {"digest", digest}, {"size", 1}}}}});
  };
  loopback_server server([&](loopback_server::request& req) {
    loopback_server::response res{boost::beast::http::status::ok, 11};
    const std::string t(req.target());
    if (t.starts_with("/v2/redirect/")) {
      res.result(boost::beast::http::status::temporary_redirect);
      res.set(boost::beast::http::field::location, "http://elsewhere.invalid/x");
    } else if (t.starts_with("/v2/html/")) {
      res.set(boost::beast::http::field::content_type, "text/html");
      res.body() = "<html>welcome</html>";
    } else if (t.starts_with("/v2/missing/")) {
      res.result(boost::beast::http::status::not_found);
    } else if (t.starts_with("/v2/paged/") && t.find("last=") == std::string::npos) {
      res.set(boost::beast::http::field::content_type, oci_index);
      res.set(boost::beast::http::field::link, "<" + t + "?last=1>; rel=\"next\"");
      res.body() = index_of(d);
    } else if (t.starts_with("/v2/paged/")) {
      res.set(boost::beast::http::field::content_type, oci_index);
      res.body() = index_of(e);
    }
    res.prepare_payload();
    return res;
  });
  ocimirror::daemon::network_flags f;
  f.plain_http = true;
  ocimirror::daemon::session s = ocimirror::daemon::session_for(f);
  auto& c = s.client({server.host(), "x", {}, {}});
  std::map<std::string, std::optional<std::vector<ocimirror::transfer::descriptor>>> got;
  s.run([&]() -> ocimirror::transfer::awaitable<void> {
    for (const char* repo : {"redirect", "html", "missing", "paged"}) got[repo] = co_await c.referrers(repo, d);
  });
  EXPECT_FALSE(got["redirect"]);
  EXPECT_FALSE(got["html"]);
  EXPECT_FALSE(got["missing"]);
  ASSERT_TRUE(got["paged"]);
  ASSERT_EQ(got["paged"]->size(), 2u);
  EXPECT_EQ((*got["paged"])[1].digest, e);
}

TEST_F(Referrers, CopyAndAnAirGapBundleCarryThemToo) {
  const std::string to = dst->host() + "/one/app";
  auto c = cli({"copy", "-q", "--plain-http", "-o", "json", src->host() + "/acme/app:v1", to + ":v1"});
  ASSERT_EQ(c.exit_code, 0) << c.err;
  EXPECT_EQ(skopeo_digest(to + ":" + refs::cosign_tags(images["v1"].digest)[0]), sig_v1.digest);
  EXPECT_EQ(skopeo_digest(to + "@" + sbom.digest), sbom.digest);
  auto none =
      cli({"copy", "-q", "--plain-http", "--no-referrers", src->host() + "/acme/app:v1", dst->host() + "/bare/app:v1"});
  ASSERT_EQ(none.exit_code, 0) << none.err;
  EXPECT_TRUE(skopeo_digest(dst->host() + "/bare/app:" + refs::cosign_tags(images["v1"].digest)[0]).empty());

  // Through a bundle: only v1 is selected, its signature chain and SBOM ride along and arrive on the far side.
  write_file(dir + "/export.yaml", "state_dir: " + dir + "/state-export\nregistries:\n  " + src->host() +
                                       ": {tls: disabled}\npolicies:\n  - name: export\n    from: " + src->host() +
                                       "/acme\n    tags: {include: ['^v1$']}\n    to: oci-archive:signed.tar\n");
  write_file(dir + "/import.yaml",
             "state_dir: " + dir + "/state-import\nregistries:\n  " + dst->host() +
                 ": {tls: disabled}\npolicies:\n  - name: import\n    from: oci-archive:signed.tar\n    to: " +
                 dst->host() + "/airgap\n");
  auto out = cli({"sync", "-q", "--config", dir + "/export.yaml"});
  ASSERT_EQ(out.exit_code, 0) << out.err << out.out;
  auto in = cli({"sync", "-q", "--config", dir + "/import.yaml"});
  ASSERT_EQ(in.exit_code, 0) << in.err << in.out;
  const std::string far = dst->host() + "/airgap/app";
  EXPECT_EQ(skopeo_digest(far + ":v1"), images["v1"].digest);
  EXPECT_EQ(skopeo_digest(far + ":" + refs::cosign_tags(images["v1"].digest)[0]), sig_v1.digest);
  EXPECT_EQ(skopeo_digest(far + ":" + refs::cosign_tags(sig_v1.digest)[0]), sig_of_sig.digest);
  EXPECT_EQ(skopeo_digest(far + "@" + sbom.digest), sbom.digest);
  EXPECT_FALSE(fallback_at_dst("airgap/app", images["v1"].digest).empty());
}

}  // namespace

// An air-gap import is gated as a registry source is: the bundle carries the .sig tags, the gate reads them there.
TEST_F(Referrers, TheGateAppliesToAnImportFromABundle) {
  auto write = [&](const std::string& name, const std::string& from, const std::string& to, const std::string& extra) {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + src->host() +
                         ": {tls: disabled}\n  " + dst->host() + ": {tls: disabled}\npolicies:\n  - name: " + name +
                         "\n    from: " + from + "\n    to: " + to + "\n    repositories: [app]\n" + extra);
    return path;
  };
  auto out = cli({"sync", "-q", "--config", write("export", src->host() + "/acme", "oci-archive:bundle.tar", "")});
  ASSERT_EQ(out.exit_code, 0) << out.err << out.out;
  auto in = cli({"sync", "-q", "-o", "json", "--config",
                 write("import", "oci-archive:bundle.tar", dst->host() + "/imported",
                       "    tags: {include: ['^v[0-9]$']}\n    verify: {keys: [cosign.pub]}\n")});
  ASSERT_EQ(in.exit_code, 0) << in.err << in.out;
  const std::string to = dst->host() + "/imported/app";
  EXPECT_EQ(skopeo_digest(to + ":v1"), images["v1"].digest);
  EXPECT_FALSE(skopeo_digest(to + ":" + refs::cosign_tags(images["v1"].digest)[0]).empty()) << "its signature too";
  for (const char* tag : {"v2", "v3", "v4"})
    EXPECT_TRUE(skopeo_digest(to + ":" + tag).empty()) << tag << " was imported";
  std::map<std::string, std::string> refusal;
  const auto doc = json::parse(in.out);
  for (const auto& u : doc.at("policies").at(0).at("unverified").as_array()) {
    const std::string tag(u.at("tag").as_string());
    refusal[tag.substr(tag.rfind('/') + 1)] = std::string(u.at("refusal").as_string());
  }
  ASSERT_EQ(refusal.size(), 3u) << in.out;
  EXPECT_EQ(refusal["app:v2"], "no signature") << in.out;
  EXPECT_EQ(refusal["app:v3"], "key") << in.out;
  EXPECT_EQ(refusal["app:v4"], "artifact") << in.out;
}

// A source whose tag answers GET with an unsigned image while HEAD (passed through) names the signed one: whichever
// the run looks at, an unsigned image is never mirrored under the tag. The gate judges one digest (the GET's when
// the plan fetched the manifest, else the HEAD's) and the copy is of that digest, fetched by digest.
TEST_F(Referrers, WhatTheGateJudgedIsWhatIsCopied) {
  auto raw = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + src->host() + "/acme/app:v2"});
  ASSERT_EQ(raw.exit_code, 0) << raw.err;
  fault_proxy proxy(
      "127.0.0.1", src->port(), [&](const fault_proxy::request& req) -> std::optional<fault_proxy::response> {
        if (req.method() != boost::beast::http::verb::get || std::string(req.target()) != "/v2/acme/app/manifests/v1")
          return std::nullopt;
        fault_proxy::response res{boost::beast::http::status::ok, 11};
        res.set(boost::beast::http::field::content_type, oci_manifest);
        res.set("Docker-Content-Digest", images["v2"].digest);
        res.body() = raw.out;
        res.prepare_payload();
        return res;
      });
  auto r = sync("swap", proxy.host(), "    tags: {include: ['^v1$']}\n    verify: {keys: [cosign.pub]}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  const auto there = skopeo_digest(dst->host() + "/swap/app:v1");
  EXPECT_NE(there, images["v2"].digest) << "the unsigned image was mirrored under v1: " << r.out;
  if (there.empty()) {  // judged what the GET gave: unsigned, so skipped
    const auto doc = json::parse(r.out);
    const auto& skipped = doc.at("policies").at(0).at("unverified").as_array();
    ASSERT_EQ(skipped.size(), 1u) << r.out;
    EXPECT_EQ(skipped[0].at("refusal").as_string(), "no signature") << r.out;
  } else {
    EXPECT_EQ(there, images["v1"].digest) << r.out;
  }
}
