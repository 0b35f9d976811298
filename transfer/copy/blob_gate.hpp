#pragma once
// What concurrent copies of one run share about destination registries: which digests are being written right
// now (a second writer waits for the first instead of writing the same bytes again; distribution's filesystem
// driver rewrites link files non-atomically, and a manifest PUT that reads one mid-write fails with DIGEST_INVALID),
// which repositories are known to hold a blob (so other repositories of that registry mount it instead of copying),
// and which manifests and tags this run pushed (in a repository that did not exist when the run began, that is all
// there is, so the destination need not be asked). Single-threaded, like the io_context that runs the copies.
#include "transfer/net/single_flight.hpp"

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>

namespace ocimirror::transfer {

class blob_gate {
 public:
  /// Held while one copy writes a digest to a registry; waiters resume when it is released.
  using lease = single_flight::turn;

  /// Waits until nobody else writes `digest` to `registry`, then takes the lease on it.
  boost::asio::awaitable<lease> acquire(const std::string& registry, const std::string& digest) {
    const std::string key = registry + " " + digest;  // lives in this frame while single_flight reads it
    co_return co_await writing_.acquire(key);
  }

  /// A repository of `registry` that holds blob `digest`, learnt during this run (the latest).
  std::optional<std::string> holder(const std::string& registry, const std::string& digest) const {
    auto it = holders_.find({registry, digest});
    if (it == holders_.end()) return std::nullopt;
    return it->second.latest;
  }
  /// Whether this run put blob `digest` in (or found it in) registry/repository.
  bool holds(const std::string& registry, const std::string& digest, const std::string& repository) const {
    auto it = holders_.find({registry, digest});
    return it != holders_.end() && it->second.all.count(repository) > 0;
  }
  void record(const std::string& registry, const std::string& digest, const std::string& repository) {
    auto& h = holders_[{registry, digest}];
    h.latest = repository;
    h.all.insert(repository);
  }

  /// This run pushed manifest `digest` to registry/repository under `target` (a tag, or the digest itself).
  void pushed(const std::string& registry, const std::string& repository, const std::string& target,
              const std::string& digest) {
    pushed_[{registry + "/" + repository, target}] = digest;
    pushed_[{registry + "/" + repository, digest}] = digest;
  }
  /// The digest this run pushed to registry/repository under `target`, if it did.
  std::optional<std::string> pushed_as(const std::string& registry, const std::string& repository,
                                       const std::string& target) const {
    auto it = pushed_.find({registry + "/" + repository, target});
    if (it == pushed_.end()) return std::nullopt;
    return it->second;
  }

 private:
  struct holding {
    std::string latest;
    std::set<std::string> all;
  };
  single_flight writing_;
  std::map<std::pair<std::string, std::string>, holding> holders_;
  std::map<std::pair<std::string, std::string>, std::string> pushed_;
};

}  // namespace ocimirror::transfer
