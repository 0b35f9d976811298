#pragma once
// One cause, one message: a run's failures grouped by what went wrong (the error kind) and the registry at fault,
// so a missing credential over 500 tags reads as one error with a count and a few examples instead of 500 lines.
// The full list stays where scripts read it (--output json, /v1/status, the log's structured fields). Pure.
#include "daemon/run/sync_run.hpp"

#include <string>
#include <vector>

namespace ocimirror::daemon {

struct failure_group {
  transfer::errc kind = transfer::errc::io;
  std::string registry;           ///< the policy's registry the first message names; empty when it names neither
  std::string message;            ///< the first failure's message (its hint included, said once)
  std::vector<std::string> what;  ///< every failure of the group, in the order they happened
};

/// Groups in order of first appearance: one per error kind, registry at fault and cause (the message with the
/// failure's own references taken out: a missing repository and a missing manifest are two causes). `registries`: the
/// hosts a message may name.
std::vector<failure_group> group_failures(const std::vector<failure>& failures,
                                          const std::vector<std::string>& registries);

/// The lines people read: a group of one as "WHAT: MESSAGE"; a larger one as "N tags failed (KIND) at REGISTRY:
/// MESSAGE" and a line of at most `examples` names with how many more there are.
std::vector<std::string> group_lines(const failure_group& g, std::size_t examples = 3);

/// "host" of a policy side given as "host/path" (or an oci: layout, which names no registry: "").
std::string registry_of(const std::string& side);

}  // namespace ocimirror::daemon
