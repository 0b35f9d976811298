#include "transfer/registry/upload_state.hpp"

#include "transfer/net/headers.hpp"

#include <algorithm>
#include <charconv>
#include <optional>

namespace ocimirror::transfer {

namespace {
std::optional<std::uint64_t> number(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}
}  // namespace

upload_state::verdict upload_state::on_started(unsigned status, std::string_view post_url, std::string_view location,
                                               std::string_view chunk_min) {
  if (status != 202) return verdict::bad_status;
  location_ = resolve_url(post_url, location);
  if (location.empty() || location_.empty()) return verdict::bad_location;
  if (auto min = number(chunk_min); min && *min > 0 && chunk_ != 0 && chunk_ < *min) chunk_ = *min;
  return verdict::ok;
}

std::optional<std::uint64_t> upload_state::held(std::string_view range) {
  if (range.starts_with("bytes=")) range.remove_prefix(6);
  auto dash = range.find('-');
  if (dash == std::string_view::npos) return std::nullopt;
  auto first = number(range.substr(0, dash)), last = number(range.substr(dash + 1));
  if (!first || !last || *first != 0) return std::nullopt;
  return *last + 1;
}

std::uint64_t upload_state::next_length() const {
  const std::uint64_t left = size_ - offset_;
  return chunk_ == 0 ? left : std::min(chunk_, left);
}

std::string upload_state::content_range() const {
  return std::to_string(offset_) + "-" + std::to_string(offset_ + next_length() - 1);
}

upload_state::verdict upload_state::on_patched(unsigned status, std::string_view location, std::string_view range) {
  if (status != 202 && status != 201 && status != 204) return verdict::bad_status;
  const std::uint64_t end = offset_ + next_length();
  if (!range.empty() && held(range) != end) return verdict::bad_range;
  if (!location.empty()) {
    auto next = resolve_url(location_, location);
    if (next.empty()) return verdict::bad_location;
    location_ = std::move(next);
  }
  offset_ = end;
  return verdict::ok;
}

std::string escape_digest(std::string_view digest) {
  std::string d(digest);
  if (auto p = d.find(':'); p != std::string::npos) d.replace(p, 1, "%3A");
  return d;
}

std::string upload_state::commit_url(std::string_view digest) const {
  return location_ + (location_.find('?') == std::string::npos ? "?" : "&") + "digest=" + escape_digest(digest);
}

}  // namespace ocimirror::transfer
