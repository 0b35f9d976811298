#pragma once
// OCI image layouts as endpoints: a directory (`oci:DIR`), dated backup snapshots of one, and an archive
// (`oci-archive:FILE.tar`) read in place or written as a stream. One layout holds many repositories (see
// layout_index). Digests are validated before they become file names; blobs are written to a temporary name,
// fsynced and renamed; an archive or a snapshot appears under its name only when committed whole.
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/oci/layout_index.hpp"
#include "transfer/oci/tar.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace ocimirror::transfer {
namespace file {
struct temp_file;
}

/// What layout directories and archives share: index lookups, manifests read back and checked against their digest.
class layout_endpoint : public endpoint {
 public:
  std::string name() const override { return name_; }
  awaitable<std::vector<std::string>> repositories(const std::string& under) override;
  awaitable<std::vector<std::string>> list_tags(const std::string& repo) override;
  awaitable<std::optional<manifest_head>> head_manifest(const std::string& repo, const std::string& target) override;
  awaitable<fetched_manifest> get_manifest(const std::string& repo, const std::string& target) override;
  awaitable<void> put_manifest(const std::string& repo, const std::string& target, const std::string& bytes,
                               const std::string& media_type) override;
  awaitable<removal> remove_tag(const std::string& repo, const std::string& tag, const std::string& digest,
                                const std::set<std::string>& wanted) override;
  awaitable<std::optional<std::uint64_t>> blob_size(const std::string& repo, const std::string& digest) override;
  awaitable<http_client::chunk_source> open_blob(const std::string& repo, const std::string& digest) override;
  awaitable<void> put_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                           http_client::chunk_source next) override;
  const layout_index& index() const { return index_; }

 protected:
  explicit layout_endpoint(std::string name) : name_(std::move(name)) {}
  virtual std::optional<std::uint64_t> stored_size(const std::string& digest) = 0;
  virtual std::string read_stored(const std::string& digest, std::size_t limit) = 0;
  virtual http_client::chunk_source open_stored(const std::string& digest) = 0;
  virtual awaitable<void> store(const std::string& digest, std::uint64_t size, http_client::chunk_source next) = 0;
  virtual void index_changed() {}
  /// Whether a manifest is here with its whole graph (head_manifest by digest asks this).
  virtual std::optional<std::uint64_t> manifest_present(const std::string& digest) { return stored_size(digest); }
  /// Throws errc::bad_digest unless d is sha256:<64 hex>: the only strings that become file names.
  void check_digest(const std::string& d) const;
  std::string name_;
  layout_index index_;
};

/// `oci:DIR`. Opened for writing, the directory (and `oci-layout`, `index.json`) is created when missing, and an
/// exclusive lock keeps a second writer out. index.json is rewritten (atomically) as each tag lands.
class layout_dir : public layout_endpoint {
 public:
  enum class mode { read, write };
  layout_dir(std::string dir, mode m);
  ~layout_dir() override;

 protected:
  layout_dir(std::string dir, std::string name);  ///< for snapshots: dir is created, nothing read
  std::optional<std::uint64_t> stored_size(const std::string& digest) override;
  std::string read_stored(const std::string& digest, std::size_t limit) override;
  http_client::chunk_source open_stored(const std::string& digest) override;
  awaitable<void> store(const std::string& digest, std::uint64_t size, http_client::chunk_source next) override;
  void index_changed() override;
  std::string blob_path(const std::string& digest) const;
  void write_index() const;
  std::string dir_;
  int lock_fd_ = -1;
};

/// Backups: ROOT/<UTC stamp>/ is one complete layout per run, written under ROOT/.partial-<stamp> and renamed when
/// committed; blobs an earlier snapshot holds are hard-linked, not copied. Committing keeps the newest `keep`
/// snapshots and deletes the rest, which frees every blob no kept snapshot links. ROOT/latest points at the newest.
class layout_snapshots final : public layout_dir {
 public:
  layout_snapshots(std::string root, std::size_t keep);
  ~layout_snapshots() override;
  bool fresh_each_run() const override { return true; }
  awaitable<void> commit() override;
  /// Committed snapshot directories under root, oldest first.
  static std::vector<std::string> list(const std::string& root);

 protected:
  std::optional<std::uint64_t> stored_size(const std::string& digest) override;
  /// Only what this snapshot already holds: a manifest linked from the previous one would not bring its blobs.
  std::optional<std::uint64_t> manifest_present(const std::string& digest) override {
    return layout_dir::stored_size(digest);
  }
  void index_changed() override {}

 private:
  std::string root_, stamp_, previous_;
  std::size_t keep_;
  bool committed_ = false;
};

/// `oci-archive:FILE` as a source: the tar is indexed once (headers only) and members are read in place.
class layout_archive_reader final : public layout_endpoint {
 public:
  explicit layout_archive_reader(std::string file);
  ~layout_archive_reader() override;
  /// Reads every blob member and checks it against the digest its name claims; throws errc::bad_archive naming
  /// the first that differs. (Reads the whole archive once.)
  void verify_blobs() const;

 protected:
  std::optional<std::uint64_t> stored_size(const std::string& digest) override;
  std::string read_stored(const std::string& digest, std::size_t limit) override;
  http_client::chunk_source open_stored(const std::string& digest) override;
  awaitable<void> store(const std::string& digest, std::uint64_t size, http_client::chunk_source next) override;

 private:
  std::string file_;
  int fd_ = -1;
  tar::index members_;
};

/// `oci-archive:FILE` as a destination: blobs are spooled one by one (checked), appended to FILE.partial, and the
/// index written last; commit() renames it to FILE. `since`: blobs the far side already has, left out (manifests
/// never are), for incremental bundles.
class layout_archive_writer final : public layout_endpoint {
 public:
  layout_archive_writer(std::string file, std::set<std::string> since = {});
  ~layout_archive_writer() override;
  bool fresh_each_run() const override { return true; }
  awaitable<std::optional<std::uint64_t>> blob_size(const std::string& repo, const std::string& digest) override;
  awaitable<void> put_manifest(const std::string& repo, const std::string& target, const std::string& bytes,
                               const std::string& media_type) override;
  awaitable<void> commit() override;
  /// Blobs left out because the far side has them.
  std::size_t left_out() const { return left_out_.size(); }

 protected:
  std::optional<std::uint64_t> stored_size(const std::string& digest) override;
  std::string read_stored(const std::string& digest, std::size_t limit) override;
  http_client::chunk_source open_stored(const std::string& digest) override;
  awaitable<void> store(const std::string& digest, std::uint64_t size, http_client::chunk_source next) override;

 private:
  void open_partial();
  void append(const std::string& member, std::uint64_t size, int from_fd);
  file::temp_file temporary(std::string_view kind) const;
  std::string file_, partial_;
  int out_ = -1;
  std::uint64_t at_ = 0;
  std::map<std::string, std::uint64_t> written_;  ///< digest -> size
  std::map<std::string, std::string> manifests_;  ///< digest -> bytes, for reading back (small)
  std::set<std::string> since_, left_out_;
  bool committed_ = false;
};

/// Digests listed in a `--since` file: a previous bundle (every blob in it) or a text file of digests, one per line
/// (`#` comments), as `ocimirror inventory` writes. Throws transfer::error naming the file and line.
std::set<std::string> read_since(const std::string& path);

}  // namespace ocimirror::transfer
