// Opening, recovering and closing the RocksDB cache, and the one place rocksdb::Status becomes our error.
#include "cache/store_impl.hpp"

#include "transfer/oci/errors.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

namespace ocimirror::cache {
namespace fs = std::filesystem;

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void store::impl::check(const rocksdb::Status& s, const std::string& what) const {
  if (s.ok()) return;
  throw transfer::error(transfer::errc::io, "cache " + dir.string() + ": " + what + ": " + s.ToString());
}

namespace {

constexpr const char* schema_key = "schema";
constexpr const char* schema_version = "1";
const char* const families[] = {"default", "tags", "blob-locations", "upload-sessions"};

/// The pid holding state_dir/cache/LOCK (RocksDB takes it with fcntl), if another process does.
std::optional<pid_t> lock_holder(const fs::path& dir) {
  int fd = ::open((dir / "LOCK").c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  struct flock fl {};
  fl.l_type = F_WRLCK;
  fl.l_whence = SEEK_SET;
  std::optional<pid_t> holder;
  if (::fcntl(fd, F_GETLK, &fl) == 0 && fl.l_type != F_UNLCK) holder = fl.l_pid;
  ::close(fd);
  return holder;
}

/// Damage we recover from by starting afresh, as opposed to a problem of the machine (disk full, permissions).
bool is_damage(const rocksdb::Status& s) {
  return s.IsCorruption() || s.IsInvalidArgument() || s.IsNotSupported() ||
         (s.IsIOError() && s.ToString().find("No such file") != std::string::npos);
}

rocksdb::Status open_db(store::impl& p, bool read_only) {
  rocksdb::DBOptions o;
  o.OptimizeForSmallDb();
  o.create_if_missing = !read_only;
  o.create_missing_column_families = !read_only;
  o.paranoid_checks = true;
  o.info_log_level = rocksdb::InfoLogLevel::WARN_LEVEL;
  o.keep_log_file_num = 2;
  o.max_background_jobs = 1;
  std::vector<rocksdb::ColumnFamilyDescriptor> descs;
  for (const char* f : families) {
    rocksdb::ColumnFamilyOptions cf;
    cf.OptimizeForSmallDb();
    descs.emplace_back(f, cf);
  }
  rocksdb::DB* raw = nullptr;
  auto s = read_only ? rocksdb::DB::OpenForReadOnly(o, p.dir.string(), descs, &p.handles, &raw)
                     : rocksdb::DB::Open(o, p.dir.string(), descs, &p.handles, &raw);
  p.db.reset(raw);
  if (s.ok() && !read_only) {
    std::string v;
    auto g = p.db->Get({}, p.handles[0], schema_key, &v);
    if (g.IsNotFound())
      g = p.db->Put({}, p.handles[0], schema_key, schema_version);
    else if (g.ok() && v != schema_version)
      g = rocksdb::Status::NotSupported("schema version " + v);
    if (g.ok()) g = p.db->VerifyChecksum();
    if (!g.ok()) {
      p.close();
      return g;
    }
  }
  return s;
}

fs::path move_aside(const fs::path& dir) {
  fs::path aside = dir;
  aside += ".corrupt-" + std::to_string(now_seconds());
  for (int i = 1; fs::exists(aside); ++i)
    aside.replace_filename(dir.filename().string() + ".corrupt-" + std::to_string(now_seconds()) + "-" +
                           std::to_string(i));
  fs::rename(dir, aside);
  return aside;
}

}  // namespace

void store::impl::close() {
  if (!db) return;
  for (auto* h : handles) db->DestroyColumnFamilyHandle(h);
  handles.clear();
  db->Close();
  db.reset();
}

// A cache that cannot be written (a full disk, a state_dir the process may not write) costs speed, not the run:
// an empty read-only view (writes fail, and their callers only warn), with a warning saying so.
std::unique_ptr<store> store::without_cache(std::unique_ptr<impl> p, const std::string& why, std::string& warning) {
  warning = "the cache in " + p->dir.string() + " is unusable: " + why +
            "; this run works without it (every tag is asked of the destination, nothing is recorded, prune waits)";
  p->db.reset();
  return std::unique_ptr<store>(new store(std::move(p)));
}

std::unique_ptr<store> store::open(const fs::path& state_dir, mode m, std::string& warning) {
  auto p = std::make_unique<impl>();
  p->dir = state_dir / "cache";
  const bool ro = m == mode::read_only;
  std::error_code ec;
  if (ro && !fs::exists(p->dir / "CURRENT", ec)) return std::unique_ptr<store>(new store(std::move(p)));
  if (!ro) {
    // Only what we create is made private: a state_dir the user already had keeps its permissions.
    const bool made = fs::create_directories(state_dir, ec);
    if (ec || !fs::is_directory(state_dir))
      return without_cache(std::move(p), "cannot create state_dir " + state_dir.string() + ": " + ec.message(),
                           warning);
    if (made) fs::permissions(state_dir, fs::perms::owner_all, ec);
    if (fs::create_directory(p->dir, ec)) fs::permissions(p->dir, fs::perms::owner_all, ec);
    if (auto pid = lock_holder(p->dir); pid && *pid != ::getpid())
      throw transfer::error(transfer::errc::io, "the cache in " + p->dir.string() + " is in use by process " +
                                                    std::to_string(*pid) +
                                                    " (another ocimirror sync or daemon on this state_dir)");
  }
  auto s = open_db(*p, ro);
  if (s.ok()) return std::unique_ptr<store>(new store(std::move(p)));
  if (!is_damage(s) && (ro || !s.IsIOError() || s.ToString().find("lock") != std::string::npos)) p->check(s, "open");
  if (!is_damage(s)) return without_cache(std::move(p), "cannot open it for writing (" + s.ToString() + ")", warning);
  if (ro) {
    warning = "cache " + p->dir.string() + " is unreadable (" + s.ToString() + "); planning as if it were empty";
    return std::unique_ptr<store>(new store(std::move(p)));
  }
  fs::path aside;
  try {
    aside = move_aside(p->dir);
  } catch (const fs::filesystem_error& e) {
    throw transfer::error(transfer::errc::io, "cache " + p->dir.string() + " is damaged (" + s.ToString() +
                                                  ") and cannot be moved aside: " + e.code().message());
  }
  warning =
      "cache " + p->dir.string() + " was damaged (" + s.ToString() + "); moved to " + aside.string() +
      " and rebuilt empty: this run asks the destinations again, and prune skips tags until they are mirrored again";
  if (fs::create_directory(p->dir, ec)) fs::permissions(p->dir, fs::perms::owner_all, ec);
  p->check(open_db(*p, false), "open a fresh cache");
  return std::unique_ptr<store>(new store(std::move(p)));
}

store::store(std::unique_ptr<impl> p) : p_(std::move(p)) {}
store::~store() {
  if (p_) p_->close();
}
const fs::path& store::path() const { return p_->dir; }

}  // namespace ocimirror::cache
