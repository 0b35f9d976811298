#include "config/env_file.hpp"

#include "transfer/oci/outside.hpp"

#include <cctype>
#include <optional>

namespace ocimirror::config {

namespace {

bool valid_name(std::string_view k) {
  if (k.empty() || std::isdigit(static_cast<unsigned char>(k.front()))) return false;
  for (char c : k)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

/// A quoted value without its quotes; in "..." a backslash takes the next character as it is. nullopt: unclosed.
std::optional<std::string> unquoted(std::string_view v) {
  if (v.size() < 2 || (v.front() != '"' && v.front() != '\'')) return std::string(v);
  const char q = v.front();
  if (v.back() != q) return std::nullopt;
  v = v.substr(1, v.size() - 2);
  if (q == '\'') return std::string(v);
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += v[i] == '\\' && i + 1 < v.size() ? v[++i] : v[i];
  return out;
}
}  // namespace

boost::system::result<env_entries, std::string> parse_env_file(std::string_view text, const std::string& file) {
  env_entries out;
  std::size_t n = 0;
  for (std::size_t at = 0; at <= text.size();) {
    const auto end = std::min(text.find('\n', at), text.size());
    const auto line = transfer::trim_space(text.substr(at, end - at));
    at = end + 1;
    ++n;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    const auto where = file + ":" + std::to_string(n) + ": ";
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return {boost::system::in_place_error, where + "not KEY=VALUE"};
    const auto key = transfer::trim_space(line.substr(0, eq));
    if (!valid_name(key))
      return {boost::system::in_place_error, where + "not KEY=VALUE: the name must be letters, digits and _"};
    auto value = unquoted(transfer::trim_space(line.substr(eq + 1)));
    if (!value)
      return {boost::system::in_place_error, where + "the value of " + std::string(key) + " has no closing quote"};
    out.emplace_back(std::string(key), std::move(*value));
  }
  return out;
}

}  // namespace ocimirror::config
