#include "daemon/cli/progress_view.hpp"

#include "daemon/cli/console.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ocimirror::daemon {
namespace {

/// s cut to n columns (ASCII), the cut marked with "..." when there is room for it.
std::string fit(const std::string& s, std::size_t n) {
  if (s.size() <= n) return s;
  if (n <= 3) return s.substr(0, n);
  return s.substr(0, n - 3) + "...";
}

std::string percent(std::uint64_t done, std::uint64_t total) {
  if (total == 0) return "";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%3.0f%%", 100.0 * static_cast<double>(std::min(done, total)) / double(total));
  return buf;
}

std::string blob_line(const progress_snapshot::blob& b, std::size_t cols) {
  // "  NAME [####....] 12.3 MiB/40.0 MiB  30%": the name gives way first, then the bar.
  const auto compact = " " + human_bytes(b.done) + "/" + human_bytes(b.size) + " " + percent(b.done, b.size);
  // Sizes right-aligned in a steady width, so the bar does not jump as the numbers grow.
  auto sizes = compact;
  if (sizes.size() < 27) sizes.insert(0, 27 - sizes.size(), ' ');
  const double fraction = b.size ? double(b.done) / double(b.size) : 0;
  if (cols >= sizes.size() + 2 + 12 + 13) {
    const auto bar_cols = std::min<std::size_t>(30, (cols - sizes.size() - 2) / 3);
    const auto name_cols = cols - sizes.size() - 2 - bar_cols - 1;
    auto name = fit(b.name, name_cols);
    name.resize(name_cols, ' ');
    return "  " + name + " " + bar(fraction, bar_cols) + sizes;
  }
  if (cols >= compact.size() + 2 + 4) return "  " + fit(b.name, cols - compact.size() - 2) + compact;
  return fit(compact.substr(1), cols);
}

std::string overall(const progress_snapshot& s, bool terminal) {
  std::string out;
  if (s.tags_total) out += "tags " + std::to_string(s.tags_done) + "/" + std::to_string(s.tags_total) + ", ";
  out += "blobs " + std::to_string(s.blobs_done) + "/" + std::to_string(s.blobs_total) + ", ";
  out += human_bytes(s.bytes_done) + " of " + human_bytes(s.bytes_total) + ", ";
  out += human_bytes(static_cast<std::uint64_t>(std::max(0.0, s.rate))) + "/s";
  const auto eta = eta_seconds(s);
  if (eta >= 0) out += ", ETA " + duration_text(eta);
  if (!terminal) out += ", " + duration_text(s.elapsed) + " so far";
  return out;
}

}  // namespace

std::string duration_text(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds >= 99 * 3600) return "?";
  const auto t = static_cast<long>(std::lround(seconds));
  char buf[32];
  if (t < 60)
    std::snprintf(buf, sizeof buf, "%lds", t);
  else if (t < 3600)
    std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else
    std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
  return buf;
}

std::string bar(double fraction, std::size_t width) {
  width = std::max<std::size_t>(width, 3);
  const auto inner = width - 2;
  const double f = std::clamp(std::isfinite(fraction) ? fraction : 0.0, 0.0, 1.0);
  const auto filled = static_cast<std::size_t>(f * double(inner));
  return "[" + std::string(filled, '#') + std::string(inner - filled, '.') + "]";
}

double eta_seconds(const progress_snapshot& s) {
  if (s.rate <= 0 || s.bytes_total <= s.bytes_done) return -1;
  // Tags still waiting bring bytes not yet known: scale by the tags' share when that says more.
  double left = double(s.bytes_total - s.bytes_done);
  if (s.tags_total > s.tags_done && s.tags_done > 0 && s.bytes_done > 0) {
    const double per_tag = double(s.bytes_done) / double(s.tags_done);
    left = std::max(left, per_tag * double(s.tags_total - s.tags_done));
  }
  return left / s.rate;
}

std::vector<std::string> terminal_lines(const progress_snapshot& s, std::size_t width, std::size_t max_blobs) {
  const auto cols = width > 1 ? width - 1 : 1;
  std::vector<std::string> out;
  const auto shown = std::min(s.moving.size(), max_blobs);
  for (std::size_t i = 0; i < shown; ++i) out.push_back(blob_line(s.moving[i], cols));
  if (s.moving.size() > shown) out.push_back(fit("  +" + std::to_string(s.moving.size() - shown) + " more", cols));
  out.push_back(fit(overall(s, true), cols));
  return out;
}

std::string summary_line(const progress_snapshot& s) { return "progress: " + overall(s, false); }

}  // namespace ocimirror::daemon
