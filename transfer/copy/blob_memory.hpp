#pragma once
// What the copy engine may remember between runs about destination registries: which repositories hold a digest
// (so another repository mounts it instead of copying) and where a large chunked upload stopped (so a restarted
// process continues it). Implemented over the RocksDB cache in cache/; transfer/ only sees this interface. Every
// answer is a hint the registry confirms: a refused mount or an expired upload is corrected here and done anew.
#include <boost/asio/awaitable.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::transfer {

class blob_memory {
 public:
  virtual ~blob_memory() = default;

  /// Repositories of `registry` believed to hold `digest`.
  virtual boost::asio::awaitable<std::vector<std::string>> holders(const std::string& registry,
                                                                   const std::string& digest) = 0;
  /// The registry confirmed the blob in `repository` (it was there, mounted, or uploaded).
  virtual boost::asio::awaitable<void> held(const std::string& registry, const std::string& digest,
                                            const std::string& repository) = 0;
  /// A mount from `repository` was refused: it does not hold the blob (any longer).
  virtual boost::asio::awaitable<void> not_held(const std::string& registry, const std::string& digest,
                                                const std::string& repository) = 0;

  struct upload_point {
    std::string location;      ///< the newest Location of the session
    std::uint64_t offset = 0;  ///< bytes the registry acknowledged
  };
  virtual boost::asio::awaitable<std::optional<upload_point>> upload(const std::string& registry,
                                                                     const std::string& repo,
                                                                     const std::string& digest) = 0;
  /// After each acknowledged chunk.
  virtual boost::asio::awaitable<void> set_upload(const std::string& registry, const std::string& repo,
                                                  const std::string& digest, const upload_point& at) = 0;
  /// The upload is over (committed, abandoned, or gone at the registry).
  virtual boost::asio::awaitable<void> clear_upload(const std::string& registry, const std::string& repo,
                                                    const std::string& digest) = 0;
};

}  // namespace ocimirror::transfer
