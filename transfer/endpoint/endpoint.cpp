#include "transfer/endpoint/endpoint.hpp"

#include "transfer/oci/errors.hpp"

#include <memory>
#include <vector>

namespace ocimirror::transfer {

awaitable<std::vector<std::string>> registry_endpoint::repositories(const std::string& under) {
  // GHCR: the owner's container packages from the GitHub REST API.
  if (!c_.profile().catalog && c_.lists_packages() && !under.empty()) {
    const std::string owner = under.substr(0, under.find('/'));  // named: no temporary inside a co_await
    co_return co_await c_.packages_of(owner);
  }
  try {
    co_return co_await c_.catalog();
  } catch (const error& e) {
    // Only for a registry that answered and refused its catalog: not for one that could not be reached.
    const bool refused = e.code() == errc::not_found || e.code() == errc::protocol || e.code() == errc::unauthorized ||
                         e.code() == errc::denied;
    if (!refused) throw;
    throw error(e.code(), std::string(e.what()) +
                              "; registries without a catalog (Docker Hub, ECR Public, ghcr.io when `from:` names no "
                              "owner) need `repositories:` to name each repository without wildcards");
  }
}

awaitable<void> registry_endpoint::put_manifest(const std::string& repo, const std::string& target,
                                                const std::string& bytes, const std::string& media_type) {
  co_await c_.put_manifest(repo, target, bytes, media_type);
}

// Registries that delete only by digest (distribution 2.8) lose every tag of that digest, so the manifest is deleted
// only when no wanted tag points at it and no other tag at the registry shares it; otherwise the tag stays and the
// caller is told why.
awaitable<removal> registry_endpoint::remove_tag(const std::string& repo, const std::string& tag,
                                                 const std::string& digest, const std::set<std::string>& wanted) {
  const std::string where = c_.name() + "/" + repo + ":" + tag;
  auto now = co_await c_.head_manifest(repo, tag);
  if (!now) co_return removal{};
  if (now->digest != digest)
    co_return removal{where + " was changed by someone else since this policy mirrored it", false};
  if (co_await c_.delete_tag(repo, tag)) co_return removal{};
  const std::string only_by_digest = where + " (the registry deletes only by digest, and ";
  if (wanted.count(now->digest))
    co_return removal{only_by_digest + "a tag this policy mirrors points at " + now->digest + ")", false};
  auto tags = co_await c_.list_tags(repo);
  for (const auto& t : tags) {
    if (t == tag) continue;
    auto h = co_await c_.head_manifest(repo, t);
    if (h && h->digest == now->digest)
      co_return removal{only_by_digest + "tag " + t + " shares " + now->digest + ")", false};
  }
  co_await c_.delete_manifest(repo, now->digest);
  co_return removal{std::nullopt, true};
}

awaitable<http_client::chunk_source> registry_endpoint::open_blob(const std::string& repo, const std::string& digest) {
  std::shared_ptr<body_stream> body = co_await c_.get_blob(repo, digest);
  auto buf = std::make_shared<std::vector<char>>(256u << 10);
  co_return [body, buf]() -> awaitable<std::span<const char>> {
    const auto n = co_await body->read_some(*buf);
    co_return std::span<const char>(buf->data(), n);
  };
}

awaitable<void> registry_endpoint::put_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                                            http_client::chunk_source next) {
  co_await c_.push_blob(repo, digest, size, std::move(next), upload_);
}

}  // namespace ocimirror::transfer
