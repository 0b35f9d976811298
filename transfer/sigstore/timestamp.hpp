#pragma once
// RFC 3161 timestamps: a timestamp authority's signed statement that a signature existed at a time. OpenSSL's TS
// module checks the response, its imprint and the TSA's chain; this adds Sigstore's trust: the TSA must be one of
// the trusted root's, trusted at that time. Pure.
#include "transfer/sigstore/trusted_root.hpp"

namespace ocimirror::transfer::sigstore {

/// The time (seconds) at which a TSA of root timestamped `signature`; or why the timestamp does not show one.
boost::system::result<std::int64_t, std::string> verify_timestamp(const trusted_root& root, std::string_view der,
                                                                  std::string_view signature);

}  // namespace ocimirror::transfer::sigstore
