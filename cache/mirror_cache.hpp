#pragma once
// The cache as the coroutine side sees it: every call runs on the cache's worker thread. It is also the copy
// engine's blob_memory. A cache that fails mid-run costs speed, not correctness: blob_memory calls swallow the
// failure (the first one is kept for the run's warnings) and the copy goes on asking the registry.
#include "cache/store.hpp"
#include "cache/worker.hpp"
#include "transfer/copy/blob_memory.hpp"

#include <memory>
#include <string>

namespace ocimirror::cache {

template <class T>
using awaitable = boost::asio::awaitable<T>;

class mirror_cache final : public transfer::blob_memory {
 public:
  explicit mirror_cache(std::unique_ptr<store> s) : store_(std::move(s)) {}
  store& blocking() { return *store_; }  ///< for commands that are not coroutines

  // Arguments by reference and copied into the call: nothing built inside a caller's co_await expression (GCC 12).
  awaitable<tag_records> tags(const std::string& policy);
  awaitable<void> put_tag(const std::string& policy, const tag_key& k, const tag_record& r);
  awaitable<void> erase_tag(const std::string& policy, const tag_key& k);

  awaitable<std::vector<std::string>> holders(const std::string& registry, const std::string& digest) override;
  awaitable<void> held(const std::string& registry, const std::string& digest, const std::string& repository) override;
  awaitable<void> not_held(const std::string& registry, const std::string& digest,
                           const std::string& repository) override;
  awaitable<std::optional<upload_point>> upload(const std::string& registry, const std::string& repo,
                                                const std::string& digest) override;
  awaitable<void> set_upload(const std::string& registry, const std::string& repo, const std::string& digest,
                             const upload_point& at) override;
  awaitable<void> clear_upload(const std::string& registry, const std::string& repo,
                               const std::string& digest) override;

  /// The first failure a blob_memory call swallowed since the last call, if any.
  std::string take_problem() { return std::exchange(problem_, {}); }

 private:
  template <class R>
  awaitable<R> quietly(awaitable<R> op);

  std::unique_ptr<store> store_;
  worker worker_;  // declared after store_: joined before the store closes
  std::string problem_;
};

}  // namespace ocimirror::cache
