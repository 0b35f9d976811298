#pragma once
// Content digests: validation of "sha256:<hex>" strings and streaming SHA-256 through OpenSSL EVP.
#include <boost/system/result.hpp>

#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

/// True for exactly "sha256:" followed by 64 lowercase hex digits: the only digests we let near a URL or a path.
bool is_valid_digest(std::string_view d) noexcept;

/// Incremental SHA-256. Cheap to move; not copyable.
class sha256 {
 public:
  sha256();
  ~sha256();
  sha256(sha256&&) noexcept;
  sha256& operator=(sha256&&) noexcept;

  void update(std::span<const std::byte> data);
  void update(std::string_view data) { update(std::as_bytes(std::span(data.data(), data.size()))); }
  /// "sha256:<hex>"; the hasher must not be used afterwards.
  std::string finish();

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

/// "sha256:<hex>" of a whole buffer.
std::string sha256_digest(std::string_view data);

}  // namespace ocimirror::transfer
