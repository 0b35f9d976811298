#pragma once
// The digest cache: RocksDB in state_dir/cache with one column family per kind of knowledge.
//   tags             (policy, destination repository, tag) -> source repository, source digest, destination digest,
//   time blob-locations   (destination registry, digest, repository) -> time the blob was confirmed there
//   upload-sessions  (destination registry, repository, digest) -> newest Location and the bytes it holds
// An optimisation, never the truth: callers re-ask the registry whenever an entry could lead them wrong, and
// correct it. Synchronous and thread-safe (RocksDB is); the coroutine side reaches it through cache::worker, so no
// RocksDB call runs on an I/O thread. This header is the only door to RocksDB: nothing else includes its headers.
#include <array>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ocimirror::cache {

struct tag_record {
  std::string source_repo, source_digest, destination_digest;
  std::string artifact_type;  ///< what the policy's artifact_types filter saw (empty: not asked)
  std::string platforms;      ///< the policy's platform filter when it was pushed ("" = all): a change re-plans
  std::int64_t time = 0;      ///< unix seconds of the manifest PUT (or the check) that made it true
  /// The registry (or layout) it was pushed to: a record made for another destination, before the policy's `to`
  /// changed, says nothing about this one. Empty in records older than the field: taken as the current one.
  std::string destination;
};
using tag_key = std::pair<std::string, std::string>;  ///< (destination repository, tag)
using tag_records = std::map<tag_key, tag_record>;

struct upload_mark {
  std::string location;      ///< the newest Location the registry gave for the session
  std::uint64_t offset = 0;  ///< bytes the registry acknowledged
  std::int64_t time = 0;
};

struct cache_stats {
  std::filesystem::path path;
  std::uint64_t bytes_on_disk = 0;
  std::map<std::string, std::size_t> tags_per_policy;
  std::size_t blob_locations = 0, upload_sessions = 0;
};

class store {
 public:
  enum class mode { read_write, read_only };

  /// Opens (creating it when missing, in read_write) state_dir/cache. A cache that RocksDB reports corrupt or
  /// cannot read, or that fails its checksums, is moved to cache.corrupt-<time> and started afresh; `warning` says
  /// so. In read_only a missing or broken cache opens empty and is left where it is. A cache that cannot be
  /// written (no space, no permission) opens as an empty read-only view with a warning. Throws transfer::error(io)
  /// when another process holds the cache (naming its pid).
  static std::unique_ptr<store> open(const std::filesystem::path& state_dir, mode m, std::string& warning);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  const std::filesystem::path& path() const;

  // Tags synced.
  tag_records tags(const std::string& policy) const;
  void put_tag(const std::string& policy, const tag_key& k, const tag_record& r);
  void erase_tag(const std::string& policy, const tag_key& k);
  std::size_t erase_policy(const std::string& policy);  ///< every tag record of the policy; returns how many

  // Blob locations.
  std::vector<std::string> holders(const std::string& registry, const std::string& digest) const;
  void put_holder(const std::string& registry, const std::string& digest, const std::string& repository);
  void erase_holder(const std::string& registry, const std::string& digest, const std::string& repository);
  /// Every (registry, digest, repository) known; for `cache verify`.
  std::vector<std::array<std::string, 3>> all_holders() const;

  // Upload sessions.
  std::optional<upload_mark> upload(const std::string& registry, const std::string& repo,
                                    const std::string& digest) const;
  void put_upload(const std::string& registry, const std::string& repo, const std::string& digest,
                  const upload_mark& m);
  void erase_upload(const std::string& registry, const std::string& repo, const std::string& digest);

  cache_stats stats() const;
  /// Checks every file's checksums and decodes every entry; the problems found (empty: sound).
  std::vector<std::string> verify() const;

  struct impl;

 private:
  static std::unique_ptr<store> without_cache(std::unique_ptr<impl> p, const std::string& why, std::string& warning);
  explicit store(std::unique_ptr<impl> p);
  std::unique_ptr<impl> p_;
};

/// Unix seconds now.
std::int64_t now_seconds();

}  // namespace ocimirror::cache
