// sigstore-conformance's bundle-verification cases (tests/sigstore/conformance, see tests/sigstore/SOURCES.md), each
// given the verdict its name asks for: a directory ending in `_fail` must be refused, every other one verified.
#include "tests/unit/transfer/sigstore/sigstore_data.hpp"
#include "transfer/sigstore/verify.hpp"

#include <gtest/gtest.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace fs = std::filesystem;
using namespace ocimirror::transfer::sigstore;

namespace {

const fs::path data = ocimirror::testing::sigstore_data::dir;
using ocimirror::testing::sigstore_data::slurp;

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\r')) s.pop_back();
  return s;
}

/// The trust sigstore-conformance's harness gives a client for one case directory.
trust trust_for(const fs::path& dir) {
  trust t;
  const fs::path root_file =
      fs::exists(dir / "trusted_root.json") ? dir / "trusted_root.json" : data / "trusted_root_public_good.json";
  auto root = parse_trusted_root(slurp(root_file));
  if (root) t.root = std::make_shared<const trusted_root>(std::move(*root));
  t.root_file = root_file.filename().string();
  identity_rule rule;
  rule.issuer =
      fs::exists(dir / "issuer") ? trimmed(slurp(dir / "issuer")) : "https://token.actions.githubusercontent.com";
  rule.subject =
      fs::exists(dir / "identity")
          ? trimmed(slurp(dir / "identity"))
          : "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/"
            "extremely-dangerous-oidc-beacon.yml@refs/heads/main";
  t.identities.push_back(rule);
  if (fs::exists(dir / "key.pub")) t.keys.push_back({"key.pub", parse_pem_key(slurp(dir / "key.pub"))});
  return t;
}

/// The verdict for one case, or the trusted root's own refusal.
std::pair<bool, std::string> run_case(const fs::path& dir) {
  const fs::path root_file = dir / "trusted_root.json";
  if (fs::exists(root_file))
    if (auto root = parse_trusted_root(slurp(root_file)); !root) return {false, "trusted root: " + root.error()};
  const std::string art = slurp(fs::exists(dir / "artifact") ? dir / "artifact" : dir.parent_path() / "a.txt");
  auto b = parse_bundle(slurp(dir / "bundle.sigstore.json"));
  if (!b) return {false, "bundle: " + b.error()};
  const std::string digest = sha256_raw(art);
  auto v = verify_bundle(*b, artifact{digest, std::string_view(art)}, trust_for(dir), std::time(nullptr));
  return {static_cast<bool>(v), std::string(to_string(v.why)) + ": " + v.reason};
}

/// Why each `_fail` case is refused: the kind of the first problem found (a parse error of the bundle or trusted
/// root, or a verdict's refusal). A case refused for another reason than its own is a regression too.
const std::map<std::string, std::string> expected_kind = {
    {"bundle-empty-certificate-chain_fail", "bundle"},
    {"bundle-from-wrong-instance_fail", "log entry"},
    {"bundle-invalid-base64-signature_fail", "bundle"},
    {"bundle-malformed-json_fail", "bundle"},
    {"bundle-negative-log-index_fail", "bundle"},
    {"bundle-unknown-version_fail", "bundle"},
    {"bundle-with-root-cert_fail", "certificate chain"},
    {"checkpoint-bad-keyhint_fail", "log entry"},
    {"checkpoint-wrong-roothash_fail", "log entry"},
    {"dsse-invalid-sig_fail", "signature"},
    {"dsse-mismatch-envelope_fail", "log entry"},
    {"dsse-mismatch-sig_fail", "log entry"},
    {"inclusion-proof-corrupted-hash_fail", "log entry"},
    {"incorrect-public-key_fail", "log entry"},
    {"integrated-time-in-future_fail", "time"},
    {"intoto-expired-certificate_fail", "time"},
    {"intoto-log-entry-mismatch_fail", "log entry"},
    {"intoto-missing-inclusion-proof_fail", "log entry"},
    {"intoto-set-outside-signing-cert-validity_fail", "time"},
    {"intoto-tsa-timestamp-outside-cert-validity_fail", "time"},
    {"invalid-checkpoint-signature_fail", "log entry"},
    {"invalid-ct-key_fail", "certificate chain"},
    {"invalid-inclusion-proof_fail", "log entry"},
    {"managed-key-no-key_fail", "key"},
    {"managed-key-wrong-key_fail", "key"},
    {"message-digest-mismatch_fail", "artifact"},
    {"rekor2-checkpoint-missing-log-signature_fail", "log entry"},
    {"rekor2-checkpoint-missing-origin_fail", "log entry"},
    {"rekor2-checkpoint-missing-root-hash_fail", "log entry"},
    {"rekor2-checkpoint-missing-size_fail", "log entry"},
    {"rekor2-checkpoint-no-matching-signature_fail", "log entry"},
    {"rekor2-dsse-invalid-sig_fail", "signature"},
    {"rekor2-dsse-mismatch-envelope_fail", "log entry"},
    {"rekor2-dsse-mismatch-sig_fail", "log entry"},
    {"rekor2-no-inclusion-proof_fail", "log entry"},
    {"rekor2-no-timestamp_fail", "time"},
    {"rekor2-timestamp-outside-trust-root-tsa-validity_fail", "time"},
    {"rekor2-timestamp-outside-tsa-cert-validity_fail", "time"},
    {"rekor2-timestamp-payload-mismatch_fail", "time"},
    {"rekor2-timestamp-untrusted-tsa-with-embedded-cert_fail", "time"},
    {"rekor2-timestamp-untrusted-tsa-without-embedded-cert_fail", "time"},
    {"rekor2-timestamp-with-incorrect-time_fail", "time"},
    {"set-invalid-signature_fail", "log entry"},
    {"signature-mismatch_fail", "signature"},
    {"trust-root-tlog-missing-validity-start_fail", "trusted root"},
    {"wrong-hashedrekord-artifact_fail", "log entry"},
    {"wrong-hashedrekord-cert-and-sig_fail", "log entry"},
    {"wrong-hashedrekord-entry_fail", "log entry"},
    {"wrong-material_fail", "artifact"},
};

}  // namespace

TEST(SigstoreConformance, EveryBundleVerificationCaseGetsItsVerdict) {
  int cases = 0, wrong = 0;
  for (const auto& entry : fs::directory_iterator(data / "conformance")) {
    if (!entry.is_directory()) continue;
    const std::string name = entry.path().filename().string();
    const bool should_fail = name.ends_with("_fail");
    auto [ok, why] = run_case(entry.path());
    ++cases;
    if (ok == should_fail) {
      ++wrong;
      ADD_FAILURE() << name << ": "
                    << (ok ? "verified, but must be refused" : "refused (" + why + "), but must verify");
    } else {
      std::cout << (ok ? "  verified  " : "  refused   ") << name << (ok ? "" : "  — " + why) << "\n";
    }
  }
  EXPECT_GE(cases, 70);
  std::cout << cases << " cases, " << wrong << " wrong\n";
}
