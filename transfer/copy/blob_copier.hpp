#pragma once
// One blob into the destination, the engine's steps in order: under the run's gate and a permit from each
// registry, carry out what blob_plan decides (skip it when the destination has it, mount it from a repository known
// to hold it, resume an upload an earlier process left, or move the bytes, verified before the last piece is
// released), then record who holds it.
// Every retry along the way, of a request, a resumed read or the whole blob, is spent from one budget per blob.
// Internal to copy/: copy.cpp walks the manifest graph and calls copy() for each blob.
#include "transfer/copy/blob_plan.hpp"
#include "transfer/copy/copy.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>

namespace ocimirror::transfer {

/// Where one copy goes: both ends, the reference at each, the options, and each end's registry capabilities
/// (what a registry can do that a layout cannot; null for a layout). The graph walk and the blob steps share it.
struct copy_route {
  endpoint& src;
  const reference& from;
  endpoint& dst;
  const reference& to;
  const copy_options& opts;
  registry_client* sreg = src.registry();
  registry_client* dreg = dst.registry();

  /// Whether to.repository is one the run found missing at the destination: the gate knows all it holds.
  bool fresh() const {
    return opts.gate && opts.fresh_repositories && opts.fresh_repositories->count(to.repository) > 0;
  }
};

struct blob_copier : copy_route {
  copy_stats& stats;
  copy_progress& progress;

  /// Copies d (or finds it already there); throws transfer::error when it cannot.
  awaitable<void> copy(const descriptor& d);
  std::string src_name(const std::string& digest) const { return src.name() + "/" + from.repository + "@" + digest; }

 private:
  /// Spends a retry from b and waits through the source registry, else the destination's; between layouts only
  /// the budget counts (a local error needs no pause).
  awaitable<bool> again(retry_budget& b);
  retry_policy policy() const;
  /// How the destination takes uploads: what was asked for, as its registry family allows.
  upload_options uploads() const;
  awaitable<void> done(const descriptor& d, std::size_t& counter);
  blob_plan::facts facts_of(const descriptor& d, bool in_source) const;
  /// Carries out the plan's mount steps; true when one worked. A refusal that opened an upload leaves it in session.
  awaitable<bool> mount(const descriptor& d, blob_plan& plan, blob_plan::step& step,
                        std::optional<registry_client::upload_session>& session, retry_budget& blob);
  awaitable<void> transfer_blob(const descriptor& d, std::optional<registry_client::upload_session> session,
                                retry_budget& blob);
  awaitable<void> move_bytes(const descriptor& d, std::optional<registry_client::upload_session> session,
                             const std::function<void(std::size_t)>& count,
                             const registry_client::upload_journal& journaled, retry_budget& blob);
  awaitable<void> confirmed(const std::string& digest);
  awaitable<std::optional<registry_client::upload_session>> resumable_session(const descriptor& d,
                                                                              const blob_plan& plan,
                                                                              retry_budget& blob);
  registry_client::upload_journal journal(const std::string& digest);
};

}  // namespace ocimirror::transfer
