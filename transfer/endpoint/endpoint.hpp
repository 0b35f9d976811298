#pragma once
// Where artifacts live: a registry, an OCI image layout directory, or an OCI archive (a tar of a layout). A policy
// run lists, plans, copies (copy_image) and prunes through this interface; what only a registry can do (mounts,
// ranged reads, chunked resumable uploads) the engine reaches through registry().
#include "transfer/net/http.hpp"
#include "transfer/registry/registry.hpp"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::transfer {

/// What removing a tag did.
struct removal {
  std::optional<std::string> kept;  ///< why the tag is still there, when it is
  bool manifest_deleted = false;    ///< deleted by digest: every tag that pointed at it is gone too
};

class endpoint {
 public:
  virtual ~endpoint() = default;
  /// For messages: the registry host, or "oci:PATH" / "oci-archive:PATH".
  virtual std::string name() const = 0;
  /// The registry client behind this endpoint, when it is one.
  virtual registry_client* registry() { return nullptr; }
  /// True when every run writes a complete new artifact set (an archive, a backup snapshot): nothing can be
  /// "unchanged" there, so what earlier runs recorded does not count.
  virtual bool fresh_each_run() const { return false; }

  /// Every repository; under: the namespace the caller wants ("acme" of ghcr.io/acme), which a registry without a
  /// catalog (GHCR) needs to list an owner's packages instead. Layouts list all theirs.
  virtual awaitable<std::vector<std::string>> repositories(const std::string& under) = 0;
  virtual awaitable<std::vector<std::string>> list_tags(const std::string& repo) = 0;
  virtual awaitable<std::optional<manifest_head>> head_manifest(const std::string& repo, const std::string& target) = 0;
  virtual awaitable<fetched_manifest> get_manifest(const std::string& repo, const std::string& target) = 0;
  /// Stores the exact bytes under target (a tag, or the digest itself).
  virtual awaitable<void> put_manifest(const std::string& repo, const std::string& target, const std::string& bytes,
                                       const std::string& media_type) = 0;
  /// Removes one tag if it still points at digest; the manifest stays while other tags need it, and a digest in
  /// `wanted` (what the run's selected tags point at) is never deleted. Says why the tag was kept, when it was,
  /// and whether the manifest itself went (taking every tag on it).
  virtual awaitable<removal> remove_tag(const std::string& repo, const std::string& tag, const std::string& digest,
                                        const std::set<std::string>& wanted) = 0;

  virtual awaitable<std::optional<std::uint64_t>> blob_size(const std::string& repo, const std::string& digest) = 0;
  /// The blob's bytes in pieces; an empty piece ends them.
  virtual awaitable<http_client::chunk_source> open_blob(const std::string& repo, const std::string& digest) = 0;
  /// Stores `size` bytes from next() under digest. next() throws on a digest mismatch before its last piece; the
  /// blob becomes visible only after the last one.
  virtual awaitable<void> put_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                                   http_client::chunk_source next) = 0;

  /// Makes what was written visible as a whole (an archive renamed into place, a snapshot published). Endpoints
  /// that write in place do nothing. Not called after a failed run: the previous state stays.
  virtual awaitable<void> commit() { co_return; }
};

/// A registry as an endpoint (for lists, plans and prunes, and the graph copy to or from a layout).
class registry_endpoint final : public endpoint {
 public:
  registry_endpoint(registry_client& c, upload_options upload = {}) : c_(c), upload_(upload) {}
  std::string name() const override { return c_.name(); }
  registry_client* registry() override { return &c_; }
  awaitable<std::vector<std::string>> repositories(const std::string& under) override;
  awaitable<std::vector<std::string>> list_tags(const std::string& repo) override { return c_.list_tags(repo); }
  awaitable<std::optional<manifest_head>> head_manifest(const std::string& repo, const std::string& target) override {
    return c_.head_manifest(repo, target);
  }
  awaitable<fetched_manifest> get_manifest(const std::string& repo, const std::string& target) override {
    return c_.get_manifest(repo, target);
  }
  awaitable<void> put_manifest(const std::string& repo, const std::string& target, const std::string& bytes,
                               const std::string& media_type) override;
  awaitable<removal> remove_tag(const std::string& repo, const std::string& tag, const std::string& digest,
                                const std::set<std::string>& wanted) override;
  awaitable<std::optional<std::uint64_t>> blob_size(const std::string& repo, const std::string& digest) override {
    return c_.blob_size(repo, digest);
  }
  awaitable<http_client::chunk_source> open_blob(const std::string& repo, const std::string& digest) override;
  awaitable<void> put_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                           http_client::chunk_source next) override;

 private:
  registry_client& c_;
  upload_options upload_;
};

}  // namespace ocimirror::transfer
