#pragma once
// The signature gate's I/O: where an image's signatures are (cosign's `sha256-<hex>.sig` tag, Sigstore bundles among
// its referrers through the API or the fallback tag), fetched bounded and handed to the pure verifier
// (transfer/sigstore/verify.hpp). Any endpoint: a registry, or an OCI layout or archive being imported.
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/sigstore/verify.hpp"

#include <string>
#include <vector>

namespace ocimirror::daemon {

/// The first signature of repo@digest at src that `t` trusts; when none does, the most telling refusal (an identity
/// that is not trusted over a signature that does not verify, over no signature at all). `tags`, when given, is the
/// repository's tag list: a `.sig` or fallback tag it lacks costs no request.
transfer::awaitable<transfer::sigstore::verdict> find_trusted_signature(transfer::endpoint& src,
                                                                        const std::string& repo,
                                                                        const std::string& digest,
                                                                        const transfer::sigstore::trust& t,
                                                                        const std::vector<std::string>* tags);

/// True for the artifact and media types of a Sigstore bundle (v0.1 to v0.3).
bool is_sigstore_bundle_type(std::string_view type);

}  // namespace ocimirror::daemon
