// The pure pieces of Sigstore verification, each on its own: RFC 8785, RFC 3339, RFC 9162 audit paths, checkpoints,
// trusted roots and bundles that are malformed in one field.
#include "transfer/sigstore/bundle.hpp"
#include "transfer/sigstore/canonical_json.hpp"
#include "transfer/sigstore/tlog.hpp"
#include "transfer/sigstore/trusted_root.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

using namespace ocimirror::transfer::sigstore;

TEST(SigstorePieces, CanonicalJsonSortsKeysAndEscapesAsEcmascript) {
  auto v = boost::json::parse(R"({"b": [1, true, null], "a": "x\u0001\n\"y", "logIndex": 7, "logID": "ab"})");
  EXPECT_EQ(canonical_json(v), R"({"a":"x\u0001\n\"y","b":[1,true,null],"logID":"ab","logIndex":7})");
}

TEST(SigstorePieces, Rfc3339TimesAsTrustedRootsWriteThem) {
  EXPECT_EQ(parse_rfc3339("2021-01-12T11:53:27Z"), 1610452407);
  EXPECT_EQ(parse_rfc3339("2021-01-12T11:53:27.000Z"), 1610452407);
  EXPECT_EQ(parse_rfc3339("2021-01-12T12:53:27+01:00"), 1610452407);
  EXPECT_FALSE(parse_rfc3339("2021-01-12 11:53:27Z"));
  EXPECT_FALSE(parse_rfc3339("2021-13-12T11:53:27Z"));
  EXPECT_FALSE(parse_rfc3339("2021-01-12T11:53:27"));
  EXPECT_EQ(rfc3339(1610452407), "2021-01-12T11:53:27Z");
}

TEST(SigstorePieces, AuditPathOfATreeOfThree) {
  auto leaf = [](std::string d) { return sha256_raw(std::string(1, '\0') + d); };
  auto node = [](std::string l, std::string r) { return sha256_raw(std::string(1, '\1') + l + r); };
  const auto a = leaf("a"), b = leaf("b"), c = leaf("c");
  const auto root = node(node(a, b), c);
  EXPECT_TRUE(audit_path_leads_to(0, 3, a, {b, c}, root));
  EXPECT_TRUE(audit_path_leads_to(1, 3, b, {a, c}, root));
  EXPECT_TRUE(audit_path_leads_to(2, 3, c, {node(a, b)}, root));
  EXPECT_FALSE(audit_path_leads_to(2, 3, c, {node(a, b), a}, root));  // a hash too many
  EXPECT_FALSE(audit_path_leads_to(3, 3, c, {node(a, b)}, root));     // index past the tree
  EXPECT_FALSE(audit_path_leads_to(1, 3, b, {c, a}, root));           // hashes in the wrong order
  EXPECT_FALSE(audit_path_leads_to(-1, 3, a, {b, c}, root));
}

TEST(SigstorePieces, TrustedRootProblemsNameTheirField) {
  EXPECT_EQ(parse_trusted_root("[]").error(), "not a JSON object");
  EXPECT_EQ(parse_trusted_root(R"({"mediaType":"x"})").error(),
            "mediaType: not application/vnd.dev.sigstore.trustedroot+json");
  auto r = parse_trusted_root(
      R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1","tlogs":[{"publicKey":{"rawBytes":"AAAA"}}]})");
  EXPECT_EQ(r.error(), "tlogs[0].publicKey.rawBytes: not a public key");
}

TEST(SigstorePieces, BundleProblemsNameTheirField) {
  EXPECT_EQ(
      parse_bundle(R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.4+json"})").error(),
      "mediaType: application/vnd.dev.sigstore.bundle.v0.4+json is not a Sigstore bundle version this verifier knows");
  EXPECT_EQ(parse_bundle(R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json","verificationMaterial":{}})")
                .error(),
            "verificationMaterial: no certificate, certificate chain or public key");
  auto b = parse_bundle(R"({"mediaType":"application/vnd.dev.sigstore.bundle.v0.3+json",
    "verificationMaterial":{"publicKey":{"hint":"k"},"tlogEntries":[{"logIndex":"1x"}]},
    "messageSignature":{"signature":"AAAA"}})");
  EXPECT_EQ(b.error(), "verificationMaterial.tlogEntries[0].logIndex: not a whole number");
  EXPECT_EQ(bundle_minor("application/vnd.dev.sigstore.bundle+json;version=0.2"), 2);
}

TEST(SigstorePieces, CheckpointWithoutOurSignatureIsRefused) {
  auto root = parse_trusted_root(R"({"mediaType":"application/vnd.dev.sigstore.trustedroot+json;version=0.1",
    "tlogs":[{"baseUrl":"https://rekor.sigstore.dev","publicKey":{"rawBytes":"MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE2G2Y+2tabdTV5BcGiBIx0a9fAFwrkBbmLSGtks4L3qX6yYY0zufBnhC8Ur/iy55GhWP/9A/bY2LhC30M9+RYtw==",
    "validFor":{"start":"2021-01-12T11:53:27Z"}},"logId":{"keyId":"wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0="}}]})");
  ASSERT_TRUE(root) << root.error();
  const auto& log = root->tlogs.front();
  const std::string text = "rekor.sigstore.dev - 1\n5\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n";
  EXPECT_EQ(verify_checkpoint(text, log, false).error(), "the checkpoint has no signatures");
  EXPECT_EQ(verify_checkpoint(text + "\n\xe2\x80\x94 witness AAAAAAAA\n", log, false).error(),
            "the checkpoint has no signature by https://rekor.sigstore.dev");
  EXPECT_EQ(verify_checkpoint(text + "\n\xe2\x80\x94 rekor.sigstore.dev wNI9agAAAAA=\n", log, false).error(),
            "the checkpoint's signature by https://rekor.sigstore.dev does not verify");
  EXPECT_EQ(verify_checkpoint("x\ny\nz\n\n", log, false).error(), "the checkpoint's size is not a number: y");
}
