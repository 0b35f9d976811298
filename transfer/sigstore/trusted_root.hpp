#pragma once
// Sigstore's trusted_root.json (dev.sigstore.trustedroot, the protobuf-specs TrustedRoot as JSON): the Fulcio CAs,
// the Rekor and CT logs' keys and the timestamp authorities, each trusted for a time range. Pure: bytes in.
#include "transfer/sigstore/ossl.hpp"

#include <boost/system/result.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer::sigstore {

/// A closed interval of seconds since the epoch; `end` absent means still trusted.
struct validity {
  std::int64_t start = 0;
  std::optional<std::int64_t> end;
  bool contains(std::int64_t t) const { return t >= start && (!end || t <= *end); }
};

/// A transparency log (Rekor) or a certificate transparency log: its key and identity.
struct log_key {
  std::string base_url;  ///< "https://rekor.sigstore.dev"
  std::string key_id;    ///< raw bytes: the logId.keyId (SHA-256 of the key's DER unless the root says otherwise)
  pkey_ptr key;
  validity valid;
};

/// A Fulcio CA or a timestamp authority: its chain (leaf-most first, root last).
struct authority {
  std::string uri;
  std::vector<x509_ptr> chain;
  validity valid;
};

struct trusted_root {
  std::vector<log_key> tlogs, ctlogs;
  std::vector<authority> cas, tsas;

  const log_key* tlog_by_id(std::string_view key_id) const;
  const log_key* ctlog_by_id(std::string_view key_id) const;
};

/// Parses and checks a trusted root: every key and certificate must parse, every validity have a start.
/// The error names the JSON path at fault ("tlogs[0].publicKey.validFor: no start").
boost::system::result<trusted_root, std::string> parse_trusted_root(std::string_view json);

}  // namespace ocimirror::transfer::sigstore
