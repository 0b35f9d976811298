#pragma once
// The AWS credential sources that live on the host rather than in a file: the container endpoint (ECS task roles,
// EKS Pod Identity), the EC2 instance role through IMDSv2 (a session token PUT first, then the role and its keys,
// as the SDKs do it: IMDSv1 is never used), and a profile's credential_process (run through /bin/sh within the
// credential helpers' time and output limits). Each answer's keys are checked before they sign anything.
#include "transfer/identity/aws_chain.hpp"
#include "transfer/net/http.hpp"

#include <chrono>
#include <optional>

namespace ocimirror::transfer {

struct expiring_keys {
  aws_credentials keys;
  std::chrono::system_clock::time_point expires;
};

/// Keys from the source's container endpoint, IMDS or credential_process (src.temporary(), not a web identity);
/// nullopt when the source is IMDS and no IMDS answers (not on EC2). metadata: a client that never goes through a
/// proxy, with short connect timeouts. Throws naming the source when it answers without usable keys.
awaitable<std::optional<expiring_keys>> host_keys(http_client& metadata, const aws_source& src,
                                                  const file_read_fn& read);

}  // namespace ocimirror::transfer
