#pragma once
// The signature gate's judge: a Sigstore bundle (or a cosign signature turned into one), the artifact it should
// vouch for, and what the policy trusts in; out comes a verdict with the reason and what was found. No I/O: the
// trusted root and keys are read by the caller, the bundle fetched by the caller.
#include "transfer/sigstore/bundle.hpp"
#include "transfer/sigstore/certificate.hpp"
#include "transfer/sigstore/trusted_root.hpp"

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

namespace ocimirror::transfer::sigstore {

/// One identity a policy accepts: the OIDC issuer exactly, and the subject exactly or by a whole-string regex;
/// each claim given (repository, ref, sha, trigger, workflow …) must equal the certificate's.
struct identity_rule {
  std::string issuer;
  std::string subject;
  std::string subject_regex;  ///< as written, for messages
  std::optional<std::regex> subject_re;
  std::map<std::string, std::string> claims;
  bool matches(const identity& id) const;
  std::string describe() const;
};

struct named_key {
  std::string name;  ///< the file it came from
  pkey_ptr key;
};

/// What a policy trusts: keyless signers (a trusted root and identities) and keys.
struct trust {
  std::shared_ptr<const trusted_root> root;  ///< null: keyless signatures are not accepted
  std::string root_file;
  std::vector<identity_rule> identities;
  std::vector<named_key> keys;
};

/// A public key a policy trusts (PEM): ECDSA P-256/P-384/P-521, RSA of 2048 bits or more, or Ed25519. The error
/// says what the file holds instead ("not a PEM public key", "an RSA 1024 key: too short").
boost::system::result<pkey_ptr, std::string> parse_trusted_key(std::string_view pem);

/// Why a signature does not vouch, by kind (the report and metrics group by it).
enum class refusal { none, malformed, no_signature, key, certificate, time, log_entry, identity, artifact, signature };
std::string_view to_string(refusal r);

struct verdict;
/// v with `why` and `reason` set: a refusal.
verdict refused(refusal why, std::string reason, verdict v);

struct verdict {
  refusal why = refusal::none;
  std::string reason;  ///< one sentence, naming what was found
  identity signer;     ///< keyless: who signed (set once the certificate chained to a trusted CA)
  std::string key;     ///< keyed: which trusted key
  std::int64_t log_index = -1, integrated_time = 0;
  std::string log_url;
  std::string statement;  ///< what was signed: the simple-signing payload, or the DSSE envelope's statement
  explicit operator bool() const { return why == refusal::none; }
};
inline verdict refused(refusal why, std::string reason) { return refused(why, std::move(reason), verdict{}); }

/// The artifact a signature should be for: its SHA-256 (raw), and the bytes when the caller has them (an Ed25519
/// key signs bytes, not digests).
struct artifact {
  std::string sha256;
  std::optional<std::string_view> bytes;
};

/// Sigstore's verification of a bundle over an artifact, as of `now` (seconds). For a DSSE envelope the artifact is
/// the in-toto statement's subject.
verdict verify_bundle(const bundle& b, const artifact& a, const trust& t, std::int64_t now);

/// A cosign signature (a layer of a `sha256-<hex>.sig` manifest: the simple-signing payload and its annotations)
/// as a v0.1 bundle over the payload: signature, certificate and chain, Rekor bundle, RFC 3161 timestamp.
boost::system::result<bundle, std::string> bundle_of_cosign(
    std::string_view payload, const std::vector<std::pair<std::string, std::string>>& annotations);

/// A cosign signature of an image: the bundle verified over the payload, and the payload naming `digest`.
verdict verify_cosign(std::string_view payload, const std::vector<std::pair<std::string, std::string>>& annotations,
                      std::string_view digest, const trust& t, std::int64_t now);

/// A bundle found among an image's referrers, for the image manifest `digest` ("sha256:<hex>").
verdict verify_image_bundle(std::string_view bundle_json, std::string_view digest, const trust& t, std::int64_t now);

}  // namespace ocimirror::transfer::sigstore
