#include "policy/semver.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ocimirror::policy {

std::optional<semver> parse_semver(std::string_view tag) {
  semver v;
  v.text = std::string(tag);
  std::string_view s = tag;
  if (!s.empty() && (s.front() == 'v' || s.front() == 'V')) s.remove_prefix(1);
  if (auto plus = s.find('+'); plus != std::string_view::npos) s = s.substr(0, plus);
  std::string_view pre;
  if (auto dash = s.find('-'); dash != std::string_view::npos) {
    pre = s.substr(dash + 1);
    s = s.substr(0, dash);
    if (pre.empty()) return std::nullopt;
  }
  long* parts[] = {&v.major, &v.minor, &v.patch};
  int count = 0;
  while (count < 3) {
    auto dot = s.find('.');
    auto num = s.substr(0, dot);
    if (num.empty() || num.size() > 9 || (num.size() > 1 && num.front() == '0')) return std::nullopt;
    auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), *parts[count]);
    if (ec != std::errc{} || end != num.data() + num.size()) return std::nullopt;
    ++count;
    if (dot == std::string_view::npos) break;
    s = s.substr(dot + 1);
    if (count == 3) return std::nullopt;  // a fourth number
  }
  for (std::size_t start = 0; !pre.empty() && start <= pre.size();) {
    auto dot = pre.find('.', start);
    auto id = pre.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (id.empty()) return std::nullopt;
    for (char c : id)
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return std::nullopt;
    v.prerelease.emplace_back(id);
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return v;
}

int compare(const semver& a, const semver& b) {
  for (auto [x, y] : {std::pair{a.major, b.major}, std::pair{a.minor, b.minor}, std::pair{a.patch, b.patch}})
    if (x != y) return x < y ? -1 : 1;
  if (a.prerelease.empty() || b.prerelease.empty())
    return a.prerelease.empty() == b.prerelease.empty() ? 0 : (a.prerelease.empty() ? 1 : -1);
  for (std::size_t i = 0; i < std::min(a.prerelease.size(), b.prerelease.size()); ++i) {
    const auto &x = a.prerelease[i], &y = b.prerelease[i];
    bool xn = std::all_of(x.begin(), x.end(), ::isdigit), yn = std::all_of(y.begin(), y.end(), ::isdigit);
    if (xn && yn) {
      if (x.size() != y.size()) return x.size() < y.size() ? -1 : 1;
      if (x != y) return x < y ? -1 : 1;
    } else if (xn != yn) {
      return xn ? -1 : 1;
    } else if (x != y) {
      return x < y ? -1 : 1;
    }
  }
  if (a.prerelease.size() == b.prerelease.size()) return 0;
  return a.prerelease.size() < b.prerelease.size() ? -1 : 1;
}

namespace {
using result_t = boost::system::result<semver_range, std::string>;
result_t range_error(std::string what) { return {boost::system::in_place_error, std::move(what)}; }

// A partial version "1", "1.2", "1.x": the numbers given, and how many.
struct partial {
  semver v;
  int given = 0;
};
std::optional<partial> parse_partial(std::string_view s) {
  partial p;
  if (!s.empty() && (s.front() == 'v' || s.front() == 'V')) s.remove_prefix(1);
  const auto core_end = s.find_first_of("-+");
  const std::string_view suffix = core_end == std::string_view::npos ? std::string_view{} : s.substr(core_end);
  s = s.substr(0, core_end);
  std::string clean;
  for (std::size_t start = 0, n = 0; n < 3; ++n) {
    auto dot = s.find('.', start);
    auto part = s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (part == "x" || part == "X" || part == "*") break;
    clean += (n ? "." : "") + std::string(part);
    ++p.given;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
    if (n == 2) return std::nullopt;  // a fourth number
  }
  if (p.given == 0) return suffix.empty() ? std::optional(p) : std::nullopt;
  auto v = parse_semver(clean + std::string(suffix));
  if (!v) return std::nullopt;
  p.v = *v;
  return p;
}
semver bump(semver v, int at) {  // the next version after the `at`-th number: 1.2.3 bump(1) = 1.3.0
  v.prerelease.clear();
  if (at == 0)
    v = {v.major + 1, 0, 0, {}, {}};
  else if (at == 1)
    v = {v.major, v.minor + 1, 0, {}, {}};
  else
    v = {v.major, v.minor, v.patch + 1, {}, {}};
  return v;
}
}  // namespace

result_t semver_range::parse(std::string_view text) {
  semver_range r;
  std::string t(text);
  std::size_t start = 0;
  while (true) {
    auto bar = t.find("||", start);
    std::string set = t.substr(start, bar == std::string::npos ? std::string::npos : bar - start);
    std::vector<comparator> cs;
    std::size_t i = 0;
    while (i < set.size()) {
      while (i < set.size() && set[i] == ' ') ++i;
      if (i >= set.size()) break;
      auto end = set.find(' ', i);
      std::string word = set.substr(i, end == std::string::npos ? std::string::npos : end - i);
      i = end == std::string::npos ? set.size() : end;
      std::string op;
      while (!word.empty() && std::string("<>=~^").find(word.front()) != std::string::npos) {
        op += word.front();
        word.erase(0, 1);
      }
      if (word.empty() && i < set.size()) {  // ">= 1.2.0": operator and version apart
        while (i < set.size() && set[i] == ' ') ++i;
        end = set.find(' ', i);
        word = set.substr(i, end == std::string::npos ? std::string::npos : end - i);
        i = end == std::string::npos ? set.size() : end;
      }
      auto p = parse_partial(word);
      if (!p || word.empty())  // NOLINTNEXTLINE(performance-inefficient-string-concatenation): once, on the way out
        return range_error("'" + word + "' in semver range '" + t + "' is not a version");
      using o = comparator::op;
      const bool has_pre = !p->v.prerelease.empty();
      if (op.empty() || op == "=") {
        if (p->given == 3 || has_pre)
          cs.push_back({o::eq, p->v});
        else if (p->given > 0) {
          cs.push_back({o::ge, p->v});
          cs.push_back({o::lt, bump(p->v, p->given - 1)});
        }
      } else if (op == ">=")
        cs.push_back({o::ge, p->v});
      else if (op == ">")
        cs.push_back({p->given == 3 ? o::gt : o::ge, p->given == 3 ? p->v : bump(p->v, std::max(p->given - 1, 0))});
      else if (op == "<=") {
        if (p->given == 3)
          cs.push_back({o::le, p->v});
        else
          cs.push_back({o::lt, bump(p->v, std::max(p->given - 1, 0))});
      } else if (op == "<")
        cs.push_back({o::lt, p->v});
      else if (op == "~") {
        cs.push_back({o::ge, p->v});
        cs.push_back({o::lt, bump(p->v, p->given >= 2 ? 1 : 0)});
      } else if (op == "^") {
        cs.push_back({o::ge, p->v});
        int at = p->v.major != 0 ? 0 : (p->v.minor != 0 || p->given < 3 ? (p->given >= 2 ? 1 : 0) : 2);
        cs.push_back({o::lt, bump(p->v, at)});
      } else {
        // NOLINTNEXTLINE(performance-inefficient-string-concatenation): once, on the way out
        return range_error("unknown operator '" + op + "' in semver range '" + t + "'");
      }
    }
    if (cs.empty()) return range_error("empty comparator set in semver range '" + t + "'");
    r.sets_.push_back(std::move(cs));
    if (bar == std::string::npos) break;
    start = bar + 2;
  }
  return r;
}

bool semver_range::contains(const semver& v) const {
  for (const auto& set : sets_) {
    bool ok = true, names_pre = false;
    for (const auto& c : set) {
      int cmp = compare(v, c.v);
      using o = comparator::op;
      switch (c.how) {
        case o::lt:
          ok &= cmp < 0;
          break;
        case o::le:
          ok &= cmp <= 0;
          break;
        case o::gt:
          ok &= cmp > 0;
          break;
        case o::ge:
          ok &= cmp >= 0;
          break;
        case o::eq:
          ok &= cmp == 0;
          break;
      }
      // As npm does: a pre-release matches only a set that names a pre-release of the same x.y.z.
      if (!c.v.prerelease.empty() && c.v.major == v.major && c.v.minor == v.minor && c.v.patch == v.patch)
        names_pre = true;
    }
    if (ok && (v.prerelease.empty() || names_pre)) return true;
  }
  return false;
}

}  // namespace ocimirror::policy
