#pragma once
// A Sigstore bundle (dev.sigstore.bundle v0.1, v0.2, v0.3), parsed and checked for shape only: what it says, with
// every base64 field decoded. Whether any of it is true is verify.hpp's business. Pure: bytes in.
#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer::sigstore {

/// An RFC 6962 inclusion proof and the checkpoint it ends in.
struct inclusion_proof {
  std::int64_t log_index = 0, tree_size = 0;
  std::string root_hash;
  std::vector<std::string> hashes;
  std::string checkpoint;  ///< the signed note's text
};

/// One transparency log entry as the bundle carries it.
struct tlog_entry {
  std::int64_t log_index = 0;
  std::string log_id;  ///< raw key id
  std::string kind, version;
  std::int64_t integrated_time = 0;  ///< 0: none (Rekor v2 entries have none)
  std::string canonical_body;        ///< the log's canonicalized entry, decoded
  std::optional<std::string> set;    ///< inclusionPromise.signedEntryTimestamp, raw signature
  std::optional<inclusion_proof> inclusion;
};

struct dsse_envelope {
  std::string payload_type, payload;  ///< payload decoded
  std::vector<std::string> signatures;
  std::string payload_b64;  ///< as it came (intoto entries log it)
  std::vector<std::string> signatures_b64;
};

struct message_signature {
  std::string digest;  ///< raw SHA-256 of the artifact (the bundle's claim; checked against the artifact)
  std::string signature;
  std::string signature_b64;
};

struct bundle {
  int minor = 3;                        ///< 1, 2 or 3 (v0.1 … v0.3)
  std::vector<std::string> certs;       ///< DER, leaf first (certificate or x509CertificateChain)
  std::optional<std::string> key_hint;  ///< publicKey.hint: signed with a key, not a certificate
  std::vector<tlog_entry> tlog;
  std::vector<std::string> timestamps;  ///< RFC 3161 TimeStampResp, DER
  std::optional<message_signature> message;
  std::optional<dsse_envelope> dsse;
};

inline constexpr std::string_view bundle_v03_media_type = "application/vnd.dev.sigstore.bundle.v0.3+json";

/// The bundle's minor version from its mediaType; nullopt for anything else.
std::optional<int> bundle_minor(std::string_view media_type);

/// Parses a bundle; the error says which field is wrong ("verificationMaterial.tlogEntries[0].logIndex: negative").
boost::system::result<bundle, std::string> parse_bundle(std::string_view json);

}  // namespace ocimirror::transfer::sigstore
