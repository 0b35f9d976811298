#pragma once
// What one policy has mirrored: (destination repository, tag) -> source repository, source digest, destination
// digest. It decides "unchanged" for filtered indexes (whose destination digest differs from the source's) and
// which destination tags prune may touch (only ones this policy wrote). An optimisation and a record, never the
// truth: a destination that lost a tag is re-copied because the destination is asked, not this file.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace ocimirror::cache {

struct tag_record {
  std::string source_repo, source_digest, destination_digest;
  std::int64_t time = 0;  ///< unix seconds of the last successful push
};

class sync_state {
 public:
  using key = std::pair<std::string, std::string>;  ///< (destination repository, tag)

  /// Loads state_dir/policies/<policy>.json. A missing file is an empty state; an unreadable or corrupt one is
  /// moved aside (".corrupt-<time>") and replaced by an empty state, with `warning` saying so; with read_only (dry
  /// runs) it is left where it is.
  static sync_state load(const std::filesystem::path& state_dir, const std::string& policy, bool read_only = false);

  const tag_record* find(const key& k) const;
  void put(const key& k, tag_record r) { records_[k] = std::move(r); }
  void erase(const key& k) { records_.erase(k); }
  const std::map<key, tag_record>& records() const { return records_; }

  /// Writes the file atomically (temp name, fsync, rename). Throws transfer::error(io) on failure.
  void save() const;
  const std::string& warning() const { return warning_; }

 private:
  std::filesystem::path file_;
  std::map<key, tag_record> records_;
  std::string warning_;
};

}  // namespace ocimirror::cache
