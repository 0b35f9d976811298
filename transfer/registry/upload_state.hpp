#pragma once
// The blob upload protocol's bookkeeping, apart from the sockets: which answers the distribution spec allows at
// each step, where the next request goes (always the newest Location), how large each PATCH is (at least the
// registry's OCI-Chunk-Min-Length), and that the registry's Range agrees with what was sent. Pure.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer {

/// A digest as a query value: ':' is reserved there ("sha256%3A...").
std::string escape_digest(std::string_view digest);

class upload_state {
 public:
  enum class verdict { ok, bad_status, bad_location, bad_range };

  /// size: the blob's bytes; monolithic_max: up to this size one PUT; chunk_size: 0 = one PATCH for everything.
  upload_state(std::uint64_t size, std::uint64_t monolithic_max, std::uint64_t chunk_size)
      : size_(size), monolithic_max_(monolithic_max), chunk_(chunk_size) {}

  /// The POST that opened the session: 202 with a Location (resolved against post_url), maybe a minimum chunk.
  verdict on_started(unsigned status, std::string_view post_url, std::string_view location, std::string_view chunk_min);
  bool monolithic() const { return offset_ == 0 && size_ <= monolithic_max_; }
  /// Continues a session that already holds `offset` bytes (an upload resumed after a restart).
  void resume_at(std::uint64_t offset) { offset_ = offset; }
  /// Bytes a registry says an upload holds, from its Range "0-N" (some write "bytes=0-N"): N + 1.
  static std::optional<std::uint64_t> held(std::string_view range);

  /// The next PATCH: its length and its Content-Range "first-last" (inclusive).
  std::uint64_t next_length() const;
  std::string content_range() const;
  /// After a PATCH of next_length() bytes: 202 (the spec), 201 or 204 (seen in the wild) accepted; a Location
  /// replaces the current one; a Range "0-N" must say the registry holds exactly what was sent.
  verdict on_patched(unsigned status, std::string_view location, std::string_view range);

  bool complete() const { return offset_ == size_; }
  std::uint64_t offset() const { return offset_; }
  std::uint64_t chunk_size() const { return chunk_; }
  const std::string& location() const { return location_; }
  /// Where the final PUT goes: the newest Location with ?digest= (or &digest=) appended.
  std::string commit_url(std::string_view digest) const;

 private:
  std::uint64_t size_, monolithic_max_, chunk_;
  std::uint64_t offset_ = 0;
  std::string location_;
};

}  // namespace ocimirror::transfer
