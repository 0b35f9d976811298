// The signature gate end to end against real registries, with real keyless signatures: a real image manifest and
// its real cosign signature (containers/image's fixture, Fulcio certificate for mitr@redhat.com, logged in Rekor),
// mirrored under the identity `cosign verify` reports, skipped under another identity, and skipped when all it has
// is a real Sigstore bundle of another image (kubewarden-controller's, from sigstore-rs) re-pointed at it.
//
// The fixture publishes the manifest and the signature, not the image's layers; the layers are planted in both
// registries' storage under their digests (the gate and the copy look only at the manifest's digest, and a blob
// the destination holds is not copied). Everything the gate verifies is Sigstore's own output.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "transfer/oci/base64.hpp"
#include "transfer/oci/digest.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

using namespace ocimirror::testing;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const fs::path data = fs::path(OCIMIRROR_SOURCE_DIR) / "tests/sigstore";
const std::string image_digest = "sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a";
const std::string docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";

std::string slurp(const fs::path& p) { return slurp_file(p.string()); }

/// A blob the registry believes it has in repo: its data file (zeros of the right size) and the repository's link.
void plant_blob(const registry_fixture& r, const std::string& repo, const std::string& digest, std::uint64_t size) {
  const std::string hex = digest.substr(7);
  const fs::path root = fs::path(r.storage()) / "docker/registry/v2";
  const fs::path blob = root / "blobs/sha256" / hex.substr(0, 2) / hex;
  fs::create_directories(blob);
  fs::resize_file((std::ofstream(blob / "data"), blob / "data"), size);
  const fs::path link = root / "repositories" / repo / "_layers/sha256" / hex;
  fs::create_directories(link);
  write_file((link / "link").string(), digest);
}

class Keyless : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline std::string dir;

  static void plant_image_layers(const registry_fixture& r, const std::string& repo) {
    const auto m = json::parse(slurp(data / "real/containers-image-fulcio-rekor/manifest.json"));
    plant_blob(r, repo, std::string(m.at("config").at("digest").as_string()), m.at("config").at("size").as_int64());
    for (const auto& l : m.at("layers").as_array())
      plant_blob(r, repo, std::string(l.at("digest").as_string()), l.at("size").as_int64());
  }

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    dir = make_temp_dir("ocimirror-keyless");
    fs::copy_file(data / "trusted_root_public_good.json", dir + "/trusted_root.json",
                  fs::copy_options::overwrite_existing);
    seeder s({src->host()});
    const std::string manifest = slurp(data / "real/containers-image-fulcio-rekor/manifest.json");
    // upstream/busybox:v1: the image with its keyless cosign signature, as `cosign sign` left it.
    plant_image_layers(*src, "upstream/busybox");
    s.manifest("upstream/busybox", "v1", manifest, docker_manifest);
    const std::string raw = slurp(data / "real/containers-image-fulcio-rekor/signature-1");
    const auto sig = json::parse(raw.substr(raw.find('{')));
    ocimirror::transfer::annotations notes;
    for (const auto& kv : sig.at("annotations").as_object())
      notes.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
    s.cosign_signature("upstream/busybox", image_digest,
                       *ocimirror::transfer::base64_decode(sig.at("payload").as_string()), notes);
    // upstream/repointed:v1: the same image, with only another image's Sigstore bundle attached to it.
    plant_image_layers(*src, "upstream/repointed");
    auto image = s.manifest("upstream/repointed", "v1", manifest, docker_manifest);
    auto bundle = s.blob("upstream/repointed", "application/vnd.dev.sigstore.bundle.v0.3+json",
                         slurp(data / "real/kubewarden-controller-v1.34.0.sigstore.json"));
    auto empty = s.blob("upstream/repointed", "application/vnd.oci.empty.v1+json", "{}");
    auto desc = [](const pushed& p) {
      return json::object{{"mediaType", p.media_type}, {"digest", p.digest}, {"size", p.size}};
    };
    json::object referrer{{"schemaVersion", 2},
                          {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
                          {"artifactType", "application/vnd.dev.sigstore.bundle.v0.3+json"},
                          {"config", desc(empty)},
                          {"layers", json::array{desc(bundle)}},
                          {"subject", desc(image)}};
    auto pushed_referrer =
        s.manifest("upstream/repointed", "", json::serialize(referrer), "application/vnd.oci.image.manifest.v1+json");
    pushed_referrer.media_type = "application/vnd.oci.image.manifest.v1+json";
    auto entry = desc(pushed_referrer);
    entry["artifactType"] = "application/vnd.dev.sigstore.bundle.v0.3+json";
    json::object index{{"schemaVersion", 2},
                       {"mediaType", "application/vnd.oci.image.index.v1+json"},
                       {"manifests", json::array{entry}}};
    s.manifest("upstream/repointed", "sha256-" + image_digest.substr(7), json::serialize(index),
               "application/vnd.oci.image.index.v1+json");
    // The destination repositories exist (a run copies into a repository it knows to be new without asking about
    // each blob) and hold the planted layers.
    seeder d({dst->host()});
    for (const char* repo : {"ok/busybox", "wrong/busybox", "ok/repointed"}) {
      plant_image_layers(*dst, repo);
      d.image(repo, "earlier", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar+gzip", "earlier"}}});
    }
  }
  static void TearDownTestSuite() {
    delete src;
    delete dst;
    fs::remove_all(dir);
  }

  /// Syncs upstream/`repo` to `to`/`repo` under one keyless identity.
  static run_result sync(const std::string& to, const std::string& repo, const std::string& identity) {
    const std::string path = dir + "/" + to + "-" + repo + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + to + "-" + repo + "\nregistries:\n  " + src->host() +
                         ": {tls: disabled}\n  " + dst->host() + ": {tls: disabled}\npolicies:\n  - name: " + to +
                         "\n    from: " + src->host() + "/upstream\n    to: " + dst->host() + "/" + to +
                         "\n    repositories: [" + repo +
                         "]\n    verify:\n      keyless:\n        trusted_root: trusted_root.json\n"
                         "        identities:\n          - {issuer: 'https://github.com/login/oauth', subject: '" +
                         identity + "'}\n");
    return cli({"sync", "-q", "-o", "json", "--config", path});
  }
  static std::string digest_at(const std::string& ref) {
    auto r = run({"skopeo", "inspect", "--raw", "--tls-verify=false", "docker://" + ref});
    return r.exit_code == 0 ? ocimirror::transfer::sha256_digest(r.out) : std::string();
  }
  static json::array unverified(const run_result& r) {
    const auto doc = json::parse(r.out);
    return doc.at("policies").at(0).at("unverified").as_array();
  }
};

}  // namespace

TEST_F(Keyless, MirrorsTheImageSignedByTheTrustedIdentityWithItsSignature) {
  auto r = sync("ok", "busybox", "mitr@redhat.com");
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_EQ(digest_at(dst->host() + "/ok/busybox:v1"), image_digest) << r.out;
  EXPECT_FALSE(digest_at(dst->host() + "/ok/busybox:sha256-" + image_digest.substr(7) + ".sig").empty())
      << "the signature travels with the image";
  EXPECT_TRUE(unverified(r).empty()) << r.out;
}

TEST_F(Keyless, SkipsTheSameImageUnderAnotherIdentityNamingTheOneFound) {
  auto r = sync("wrong", "busybox", "release-bot@example.com");
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;  // a skipped tag is reported, not a failure of the run
  EXPECT_TRUE(digest_at(dst->host() + "/wrong/busybox:v1").empty()) << "mirrored under the wrong identity";
  auto skipped = unverified(r);
  ASSERT_EQ(skipped.size(), 1u) << r.out;
  EXPECT_EQ(skipped[0].at("refusal").as_string(), "identity");
  const std::string reason(skipped[0].at("reason").as_string());
  EXPECT_NE(reason.find("mitr@redhat.com"), std::string::npos) << reason;
  EXPECT_NE(reason.find("https://github.com/login/oauth"), std::string::npos) << reason;
}

TEST_F(Keyless, SkipsTheImageWhenItsOnlyBundleIsAnotherImagesRepointedAtIt) {
  auto r = sync("ok", "repointed", "mitr@redhat.com");
  EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_TRUE(digest_at(dst->host() + "/ok/repointed:v1").empty()) << "mirrored on another image's bundle";
  auto skipped = unverified(r);
  ASSERT_EQ(skipped.size(), 1u) << r.out;
  EXPECT_EQ(skipped[0].at("refusal").as_string(), "artifact") << r.out;
  EXPECT_NE(std::string(skipped[0].at("reason").as_string()).find(image_digest.substr(7)), std::string::npos) << r.out;
}

TEST_F(Keyless, VerifyPrintsWhatCosignVerifyPrints) {
  const std::string ref = src->host() + "/upstream/busybox:v1";
  auto r = cli({"verify", ref, "--plain-http", "--trusted-root", dir + "/trusted_root.json", "--certificate-identity",
                "mitr@redhat.com", "--certificate-oidc-issuer", "https://github.com/login/oauth"});
  ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
  EXPECT_NE(r.err.find("Verification for " + src->host() + "/upstream/busybox@" + image_digest), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("Existence of the claims in the transparency log was verified offline"), std::string::npos);
  EXPECT_NE(r.err.find("The code-signing certificate was verified using trusted certificate authority certificates"),
            std::string::npos);
  // cosign's claims: the signed payload's `critical` as signed, and the signer and log entry under `optional`.
  const auto out = json::parse(r.out);
  const auto& claim = out.at(0);
  EXPECT_EQ(claim.at("critical").at("image").at("docker-manifest-digest").as_string(), image_digest);
  EXPECT_EQ(claim.at("critical").at("identity").at("docker-reference").as_string(),
            "192.168.64.2:5000/cosign-signed/fulcio-rekor-1");
  EXPECT_EQ(claim.at("optional").at("Subject").as_string(), "mitr@redhat.com");
  EXPECT_EQ(claim.at("optional").at("Issuer").as_string(), "https://github.com/login/oauth");
  EXPECT_EQ(claim.at("optional").at("Bundle").at("Payload").at("logIndex").as_int64(), 11605770);
  EXPECT_EQ(claim.at("optional").at("Bundle").at("Payload").at("integratedTime").as_int64(), 1674247893);
  // Another identity: exit 1, with the identity found.
  r = cli({"verify", ref, "--plain-http", "--trusted-root", dir + "/trusted_root.json", "--certificate-identity",
           "someone@example.com", "--certificate-oidc-issuer", "https://github.com/login/oauth"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("Error: no matching signatures: identity: signed by mitr@redhat.com"), std::string::npos)
      << r.err;
  // The re-pointed bundle: exit 1, the bundle is not for this image.
  r = cli({"verify", src->host() + "/upstream/repointed:v1", "--plain-http", "-o", "json", "--trusted-root",
           dir + "/trusted_root.json", "--certificate-identity", "mitr@redhat.com", "--certificate-oidc-issuer",
           "https://github.com/login/oauth"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(json::parse(r.out).at("refusal").as_string(), "artifact") << r.out;
}
