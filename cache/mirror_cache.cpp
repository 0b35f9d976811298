#include "cache/mirror_cache.hpp"

#include "transfer/oci/errors.hpp"

namespace ocimirror::cache {

template <class R>
awaitable<R> mirror_cache::quietly(awaitable<R> op) {
  std::string failed;
  try {
    co_return co_await std::move(op);
  } catch (const transfer::error& e) {
    failed = e.what();
  }
  if (problem_.empty()) problem_ = failed;
  if constexpr (!std::is_void_v<R>) co_return R{};
}

awaitable<tag_records> mirror_cache::tags(const std::string& policy) {
  return worker_.run([this, policy] { return store_->tags(policy); });
}

awaitable<void> mirror_cache::put_tag(const std::string& policy, const tag_key& k, const tag_record& r) {
  return worker_.run([this, policy, k, r] { store_->put_tag(policy, k, r); });
}

awaitable<void> mirror_cache::erase_tag(const std::string& policy, const tag_key& k) {
  return worker_.run([this, policy, k] { store_->erase_tag(policy, k); });
}

awaitable<std::vector<std::string>> mirror_cache::holders(const std::string& registry, const std::string& digest) {
  return quietly(worker_.run([this, registry, digest] { return store_->holders(registry, digest); }));
}

awaitable<void> mirror_cache::held(const std::string& registry, const std::string& digest,
                                   const std::string& repository) {
  return quietly(
      worker_.run([this, registry, digest, repository] { store_->put_holder(registry, digest, repository); }));
}

awaitable<void> mirror_cache::not_held(const std::string& registry, const std::string& digest,
                                       const std::string& repository) {
  return quietly(
      worker_.run([this, registry, digest, repository] { store_->erase_holder(registry, digest, repository); }));
}

awaitable<std::optional<transfer::blob_memory::upload_point>> mirror_cache::upload(const std::string& registry,
                                                                                   const std::string& repo,
                                                                                   const std::string& digest) {
  return quietly(worker_.run([this, registry, repo, digest]() -> std::optional<upload_point> {
    auto m = store_->upload(registry, repo, digest);
    if (!m) return std::nullopt;
    return upload_point{m->location, m->offset};
  }));
}

awaitable<void> mirror_cache::set_upload(const std::string& registry, const std::string& repo,
                                         const std::string& digest, const upload_point& at) {
  return quietly(worker_.run([this, registry, repo, digest, at] {
    store_->put_upload(registry, repo, digest, {at.location, at.offset, now_seconds()});
  }));
}

awaitable<void> mirror_cache::clear_upload(const std::string& registry, const std::string& repo,
                                           const std::string& digest) {
  return quietly(worker_.run([this, registry, repo, digest] { store_->erase_upload(registry, repo, digest); }));
}

}  // namespace ocimirror::cache
