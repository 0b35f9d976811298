#include "transfer/oci/suggest.hpp"

#include <algorithm>

namespace ocimirror::transfer {

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Optimal string alignment: Levenshtein plus a swap of two neighbours ("snyc" -> "sync" is one edit).
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i)
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.size()][b.size()];
}

std::optional<std::string> closest(std::string_view word, const std::vector<std::string_view>& known) {
  constexpr std::size_t longest = 64;  // no known word is near a longer one, and the distance table grows with it
  if (word.empty() || word.size() > longest) return std::nullopt;
  std::vector<std::string_view> prefixed;
  for (auto k : known)
    if (word.size() >= 3 && k.starts_with(word)) prefixed.push_back(k);
  if (prefixed.size() == 1) return std::string(prefixed.front());
  const std::size_t limit = std::clamp<std::size_t>(word.size() / 3, 1, 2);
  std::optional<std::string_view> best;
  std::size_t best_d = limit + 1;
  bool tie = false;
  for (auto k : known) {
    const auto dist = edit_distance(word, k);
    if (dist < best_d) {
      best = k, best_d = dist, tie = false;
    } else if (dist == best_d) {
      tie = true;
    }
  }
  if (!best || tie) return std::nullopt;
  return std::string(*best);
}

std::string did_you_mean(std::string_view word, const std::vector<std::string_view>& known) {
  const auto meant = closest(word, known);
  return meant ? "; did you mean '" + *meant + "'?" : std::string();
}

std::string joined(const std::vector<std::string_view>& known) {
  std::string out;
  for (auto k : known) out += (out.empty() ? "" : ", ") + std::string(k);
  return out;
}

}  // namespace ocimirror::transfer
