// Real keyless signatures of real images (tests/sigstore/real, sources in tests/sigstore/SOURCES.md) against
// Sigstore's production trusted root, and the negatives made from them: each refused, with its reason.
#include "tests/unit/transfer/sigstore/sigstore_data.hpp"
#include "transfer/oci/base64.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/sigstore/verify.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;
using namespace ocimirror::transfer;
using namespace ocimirror::transfer::sigstore;

namespace {

const fs::path data = ocimirror::testing::sigstore_data::dir;
using ocimirror::testing::sigstore_data::slurp;

using ocimirror::testing::sigstore_data::production;

trust keyless(std::string issuer, std::string subject) {
  trust t;
  t.root = production();
  t.root_file = "trusted_root_public_good.json";
  identity_rule r;
  r.issuer = std::move(issuer);
  r.subject = std::move(subject);
  t.identities.push_back(std::move(r));
  return t;
}

/// containers/image keeps a cosign signature as "\0sigstore-json\n" and {mimeType, payload, annotations}.
struct cosign_layer {
  std::string payload;
  std::vector<std::pair<std::string, std::string>> annotations;
};
cosign_layer read_containers_image_signature(const fs::path& p) {
  const std::string raw = slurp(p);
  auto doc = boost::json::parse(raw.substr(raw.find('{')));
  cosign_layer out;
  out.payload = base64_decode(doc.at("payload").as_string()).value();
  for (const auto& kv : doc.at("annotations").as_object())
    out.annotations.emplace_back(std::string(kv.key()), std::string(kv.value().as_string()));
  return out;
}

const std::string fulcio_image = "sha256:0489474da8ea22426ece86ace6c1c0026ab2fd3cdfbbd62b7e94650266c37d9a";
const std::string kubewarden_image = "sha256:c811d58de79c92f03214e63aa339484e488d694ae8a6283b5f3f17a9faf50172";
const std::string kubewarden_workflow =
    "https://github.com/kubewarden/kubewarden-controller/.github/workflows/release.yml@refs/tags/v1.34.0";
const std::string github_actions = "https://token.actions.githubusercontent.com";

}  // namespace

TEST(SigstoreReal, KeylessCosignSigTagVerifiesWithTheIdentityCosignReports) {
  auto sig = read_containers_image_signature(data / "real/containers-image-fulcio-rekor/signature-1");
  EXPECT_EQ(sha256_digest(slurp(data / "real/containers-image-fulcio-rekor/manifest.json")), fulcio_image);
  auto v = verify_cosign(sig.payload, sig.annotations, fulcio_image,
                         keyless("https://github.com/login/oauth", "mitr@redhat.com"), std::time(nullptr));
  ASSERT_TRUE(v) << v.reason;
  EXPECT_EQ(v.signer.subject, "mitr@redhat.com");
  EXPECT_EQ(v.signer.issuer, "https://github.com/login/oauth");
  EXPECT_EQ(v.log_index, 11605770);
  EXPECT_EQ(v.integrated_time, 1674247893);
  EXPECT_EQ(v.log_url, "https://rekor.sigstore.dev");
}

TEST(SigstoreReal, KeylessCosignSigTagNegatives) {
  auto sig = read_containers_image_signature(data / "real/containers-image-fulcio-rekor/signature-1");
  const auto now = std::time(nullptr);
  auto right = keyless("https://github.com/login/oauth", "mitr@redhat.com");
  // Another identity, another issuer.
  auto v = verify_cosign(sig.payload, sig.annotations, fulcio_image,
                         keyless("https://github.com/login/oauth", "someone@example.com"), now);
  EXPECT_EQ(v.why, refusal::identity);
  EXPECT_NE(v.reason.find("mitr@redhat.com"), std::string::npos) << v.reason;
  v = verify_cosign(sig.payload, sig.annotations, fulcio_image, keyless(github_actions, "mitr@redhat.com"), now);
  EXPECT_EQ(v.why, refusal::identity);
  // Another image's digest.
  v = verify_cosign(sig.payload, sig.annotations, kubewarden_image, right, now);
  EXPECT_EQ(v.why, refusal::artifact) << v.reason;
  // Without its Rekor bundle: no log entry, no signing time, and the certificate expired long ago.
  auto no_log = sig;
  std::erase_if(no_log.annotations, [](auto& kv) { return kv.first == "dev.sigstore.cosign/bundle"; });
  v = verify_cosign(no_log.payload, no_log.annotations, fulcio_image, right, now);
  EXPECT_EQ(v.why, refusal::log_entry) << v.reason;
  // The log entry of another signature (containers/image's keyed fixture), put in this one's place.
  auto keyed = read_containers_image_signature(data / "real/containers-image-key-rekor/signature-1");
  auto swapped = sig;
  for (auto& [k, val] : swapped.annotations)
    if (k == "dev.sigstore.cosign/bundle")
      for (auto& [k2, v2] : keyed.annotations)
        if (k2 == k) val = v2;
  v = verify_cosign(swapped.payload, swapped.annotations, fulcio_image, right, now);
  EXPECT_EQ(v.why, refusal::log_entry) << v.reason;
  // A payload changed by one byte no longer matches its signature.
  auto changed = sig;
  changed.payload.replace(changed.payload.find("fulcio-rekor-1"), 14, "fulcio-rekor-2");
  v = verify_cosign(changed.payload, changed.annotations, fulcio_image, right, now);
  EXPECT_EQ(v.why, refusal::signature) << v.reason;
}

TEST(SigstoreReal, CosignV3BundleOfAGithubActionsSignedImage) {
  const std::string bundle = slurp(data / "real/kubewarden-controller-v1.34.0.sigstore.json");
  auto v =
      verify_image_bundle(bundle, kubewarden_image, keyless(github_actions, kubewarden_workflow), std::time(nullptr));
  ASSERT_TRUE(v) << v.reason;
  EXPECT_EQ(v.signer.subject, kubewarden_workflow);
  EXPECT_EQ(v.signer.claims.at("repository"), "kubewarden/kubewarden-controller");
  EXPECT_EQ(v.signer.claims.at("ref"), "refs/tags/v1.34.0");
  EXPECT_EQ(v.log_index, 1261105807);
  // A regex for every release tag of the workflow, and a claim.
  auto t = keyless(github_actions, "");
  t.identities[0].subject_regex =
      R"(https://github\.com/kubewarden/kubewarden-controller/\.github/workflows/release\.yml@refs/tags/v.*)";
  t.identities[0].subject_re.emplace(t.identities[0].subject_regex);
  t.identities[0].claims["repository"] = "kubewarden/kubewarden-controller";
  v = verify_image_bundle(bundle, kubewarden_image, t, std::time(nullptr));
  EXPECT_TRUE(v) << v.reason;
  t.identities[0].claims["repository"] = "someone/else";
  EXPECT_EQ(verify_image_bundle(bundle, kubewarden_image, t, std::time(nullptr)).why, refusal::identity);
}

TEST(SigstoreReal, CosignV3BundleNegatives) {
  const std::string bundle = slurp(data / "real/kubewarden-controller-v1.34.0.sigstore.json");
  const auto now = std::time(nullptr);
  auto right = keyless(github_actions, kubewarden_workflow);
  // Another workflow (a fork's, or another tag) is another identity.
  auto v = verify_image_bundle(
      bundle, kubewarden_image,
      keyless(github_actions,
              "https://github.com/evil/kubewarden-controller/.github/workflows/release.yml@refs/tags/v1.34.0"),
      now);
  EXPECT_EQ(v.why, refusal::identity);
  EXPECT_NE(v.reason.find(kubewarden_workflow), std::string::npos) << v.reason;
  // The bundle re-pointed at another image: attached to it as a referrer, it names the other digest.
  v = verify_image_bundle(bundle, fulcio_image, right, now);
  EXPECT_EQ(v.why, refusal::artifact) << v.reason;
  // The statement edited to name the other image: the DSSE signature no longer verifies.
  auto doc = boost::json::parse(bundle);
  auto& env = doc.at("dsseEnvelope").as_object();
  std::string statement = base64_decode(env.at("payload").as_string()).value();
  statement.replace(statement.find(kubewarden_image.substr(7)), 64, fulcio_image.substr(7));
  env["payload"] = base64_encode(statement);
  v = verify_image_bundle(boost::json::serialize(doc), fulcio_image, right, now);
  EXPECT_EQ(v.why, refusal::signature) << v.reason;
  // Without its signed entry timestamp and its RFC 3161 timestamp, the entry is still proven (inclusion proof), but
  // nothing vouches for when it was signed, and the certificate expired minutes after: refused for time.
  auto untimed = boost::json::parse(bundle);
  auto& material = untimed.at("verificationMaterial").as_object();
  material.erase("timestampVerificationData");
  material.at("tlogEntries").as_array()[0].as_object().erase("inclusionPromise");
  v = verify_image_bundle(boost::json::serialize(untimed), kubewarden_image, right, now);
  EXPECT_EQ(v.why, refusal::time) << v.reason;
  EXPECT_NE(v.reason.find("no verified signing time"), std::string::npos) << v.reason;
  // A trusted root without Sigstore's production CAs (sigstore-conformance's staging-only root).
  auto staging = right;
  staging.root = std::make_shared<const trusted_root>(
      *parse_trusted_root(slurp(data / "conformance/rekor2-happy-path/trusted_root.json")));
  v = verify_image_bundle(bundle, kubewarden_image, staging, now);
  EXPECT_EQ(v.why, refusal::log_entry) << v.reason;
}

TEST(SigstoreReal, CosignAttestationBundleNamesItsImage) {
  const std::string bundle = slurp(data / "real/cosign-oci-attestation.sigstore.json");
  auto v = verify_image_bundle(bundle, "sha256:732112270d7e59418a8c080b134b24cabd67d250d0d0147a97ed95ba5c280aa4",
                               keyless("https://github.com/login/oauth", "cody@soyland.com"), std::time(nullptr));
  EXPECT_TRUE(v) << v.reason;
  EXPECT_EQ(v.signer.subject, "cody@soyland.com");
}
