// registry_client's manifest writes: pushes (with ECR's validator lag and immutable tags handled as its profile
// says) and deletions by digest or tag.
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/registry/registry.hpp"

namespace ocimirror::transfer {

awaitable<std::string> registry_client::put_manifest(const std::string& repo, const std::string& target,
                                                     const std::string& bytes, const std::string& media_type,
                                                     bool* subject_seen) {
  const std::string where = name_ + "/" + repo + (target.starts_with("sha256:") ? "@" : ":") + target;
  if (bytes.size() > max_manifest_push)
    throw error(errc::too_large, "manifest for " + where + " is " + std::to_string(bytes.size()) + " bytes, over the " +
                                     std::to_string(max_manifest_push >> 20) +
                                     " MiB registries accept; nothing was pushed");
  co_await ensure_repository(repo);
  retry_budget lag(budget_kind::refetch, policy().refetch);
  for (;;) {
    request put{.verb = http::verb::put,
                .url = url("/v2/" + repo + "/manifests/" + target),
                .scopes = push_scope(repo),
                .body = bytes,
                .content_type = media_type};
    auto res = co_await call(std::move(put));
    const unsigned st = res.result_int();
    if (st == 201 || st == 200) {
      if (subject_seen) *subject_seen = !res["OCI-Subject"].empty();
      std::string digest(res["Docker-Content-Digest"]);
      co_return digest.empty() ? sha256_digest(bytes) : digest;
    }
    // ECR's manifest validator can lag a blob's 201 (ocync#104): the blob it calls unknown was just committed.
    if (profile_->manifest_lag && st == 400 && res.body().find("BLOB_UNKNOWN") != std::string::npos) {
      const bool again = co_await retry(lag, "1");
      if (again) continue;
    }
    // An immutable tag refuses even its own digest (aws/containers-roadmap#2380): read it back.
    if (profile_->immutable_tags && st == 400 && res.body().find("TAG_INVALID") != std::string::npos &&
        !target.starts_with("sha256:"))
      co_return co_await immutable_tag(repo, target, bytes, res);
    fail(res, "push manifest " + where);
  }
}

awaitable<std::string> registry_client::immutable_tag(const std::string& repo, const std::string& tag,
                                                      const std::string& bytes, const string_response& refused) {
  const auto wanted = sha256_digest(bytes);
  auto now = co_await head_manifest(repo, tag);
  if (now && now->digest == wanted) co_return wanted;
  throw error(errc::denied, "registry " + name_ + ": push manifest " + name_ + "/" + repo + ":" + tag + ": " +
                                describe_registry_error(refused.result_int(), refused.body()) +
                                " (the tag is immutable in " + std::string(profile_->family) + " and holds " +
                                (now ? now->digest : std::string("another manifest")) + ", not " + wanted +
                                "; make the repository's tags mutable or mirror to a new tag)");
}

awaitable<void> registry_client::delete_manifest(const std::string& repo, const std::string& digest) {
  request remove{
      .verb = http::verb::delete_, .url = url("/v2/" + repo + "/manifests/" + digest), .scopes = push_scope(repo)};
  auto res = co_await call(std::move(remove));
  if (res.result_int() != 202 && res.result_int() != 200 && res.result_int() != 404)
    fail(res, "delete manifest " + repo + "@" + digest);
}

awaitable<bool> registry_client::delete_tag(const std::string& repo, const std::string& tag) {
  request remove{
      .verb = http::verb::delete_, .url = url("/v2/" + repo + "/manifests/" + tag), .scopes = push_scope(repo)};
  auto res = co_await call(std::move(remove));
  const unsigned st = res.result_int();
  if (st == 202 || st == 200 || st == 404) co_return true;
  if (st == 400 || st == 405) co_return false;
  fail(res, "delete tag " + repo + ":" + tag);
}

}  // namespace ocimirror::transfer
