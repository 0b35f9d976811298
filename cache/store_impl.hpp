#pragma once
// Private to cache/: the RocksDB handles behind cache::store. The only header that includes RocksDB.
#include "cache/store.hpp"

#include <rocksdb/db.h>

#include <memory>
#include <vector>

namespace ocimirror::cache {

struct store::impl {
  enum family : std::size_t { meta = 0, tags = 1, blobs = 2, uploads = 3 };

  std::filesystem::path dir;
  std::unique_ptr<rocksdb::DB> db;  ///< null: a read-only view of a missing or unreadable cache (empty)
  std::vector<rocksdb::ColumnFamilyHandle*> handles;

  rocksdb::ColumnFamilyHandle* cf(family f) const { return handles[f]; }
  /// rocksdb::Status -> transfer::error(io) naming the cache and the step: the one place Status is mapped.
  void check(const rocksdb::Status& s, const std::string& what) const;
  void close();
};

}  // namespace ocimirror::cache
