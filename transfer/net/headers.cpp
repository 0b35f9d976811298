#include "transfer/net/headers.hpp"

#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/whole_number.hpp"

#include <boost/url.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

namespace ocimirror::transfer {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool token_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

struct cursor {
  std::string_view s;
  std::size_t i = 0;
  bool done() const { return i >= s.size(); }
  void skip_ws() {
    while (!done() && (s[i] == ' ' || s[i] == '\t')) ++i;
  }
  void skip_ws_commas() {
    while (!done() && (s[i] == ' ' || s[i] == '\t' || s[i] == ',')) ++i;
  }
  std::string_view token() {
    auto start = i;
    while (!done() && token_char(s[i])) ++i;
    return s.substr(start, i - start);
  }
  std::string bare() {  // an unquoted value runs to the next comma or space (realms are URLs: ':' and '/' allowed)
    auto start = i;
    while (!done() && s[i] != ',' && s[i] != ' ' && s[i] != '\t') ++i;
    return std::string(s.substr(start, i - start));
  }
  std::string quoted() {  // at the opening quote
    std::string out;
    ++i;
    while (!done() && s[i] != '"') {
      if (s[i] == '\\' && i + 1 < s.size()) ++i;
      out += s[i++];
    }
    if (!done()) ++i;
    return out;
  }
};

}  // namespace

std::vector<challenge> parse_www_authenticate(std::string_view header) {
  std::vector<challenge> out;
  cursor c{header};
  while (true) {
    c.skip_ws_commas();
    if (c.done()) break;
    auto word = c.token();
    if (word.empty()) {
      ++c.i;
      continue;
    }  // junk: skip a character and resynchronise
    c.skip_ws();
    if (!c.done() && c.s[c.i] == '=' && !out.empty()) {
      // key=value of the current challenge
      ++c.i;
      c.skip_ws();
      std::string value = (!c.done() && c.s[c.i] == '"') ? c.quoted() : c.bare();
      out.back().params[lower(word)] = std::move(value);
      continue;
    }
    out.push_back(challenge{lower(word), {}});  // a scheme starts a new challenge
  }
  return out;
}

std::optional<std::string> parse_next_link(std::string_view header) {
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto open = header.find('<', pos);
    if (open == std::string_view::npos) return std::nullopt;
    auto close = header.find('>', open);
    if (close == std::string_view::npos) return std::nullopt;
    auto next = header.find('<', close);
    auto params =
        lower(header.substr(close + 1, next == std::string_view::npos ? std::string_view::npos : next - close - 1));
    if (params.find("rel=\"next\"") != std::string::npos || params.find("rel=next") != std::string::npos)
      return std::string(header.substr(open + 1, close - open - 1));
    pos = close + 1;
  }
  return std::nullopt;
}

std::string resolve_url(std::string_view base, std::string_view location) {
  auto b = boost::urls::parse_uri(base);
  if (!b) return {};
  auto ref = boost::urls::parse_uri_reference(location);
  if (!ref) return {};
  boost::urls::url dest;
  if (auto r = boost::urls::resolve(*b, *ref, dest); !r) return {};
  return std::string(dest.buffer());
}

std::string url_origin(std::string_view url) {
  try {
    const auto u = split_url(url);  // the one parser: a URL it refuses has no origin, so matches none
    const bool v6 = u.host.find(':') != std::string::npos;
    return std::string(u.tls ? "https" : "http") + "://" + (v6 ? "[" + u.host + "]" : u.host) + ":" + u.port;
  } catch (const error&) {
    return {};
  }
}

std::optional<std::uint64_t> parse_content_length(std::string_view value) { return parse_whole<std::uint64_t>(value); }

}  // namespace ocimirror::transfer
