#include "transfer/oci/reference.hpp"

#include "transfer/oci/digest.hpp"

#include <cctype>

namespace ocimirror::transfer {
namespace {

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: [a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*
bool valid_component(std::string_view c) {
  if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
  for (std::size_t i = 0; i < c.size();) {
    if (lower_alnum(c[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    if (c[i] == '.')
      j = i + 1;
    else if (c[i] == '_')
      j = (i + 1 < c.size() && c[i + 1] == '_') ? i + 2 : i + 1;
    else if (c[i] == '-') {
      while (j < c.size() && c[j] == '-') ++j;
    } else
      return false;
    if (j >= c.size() || !lower_alnum(c[j])) return false;
    i = j;
  }
  return true;
}

bool valid_host(std::string_view h) {
  if (h.empty() || h.size() > 255) return false;
  std::string_view name = h;
  if (h.front() == '[') {  // [v6]:port
    auto close = h.find(']');
    if (close == std::string_view::npos) return false;
    for (char c : h.substr(1, close - 1))
      if (!(std::isxdigit(static_cast<unsigned char>(c)) || c == ':' || c == '.')) return false;
    name = h.substr(close + 1);
    if (name.empty()) return true;
    if (name.front() != ':') return false;
    name = name.substr(1);
    return !name.empty() && name.size() <= 5 && name.find_first_not_of("0123456789") == std::string_view::npos;
  }
  auto colon = h.find(':');
  if (colon != std::string_view::npos) {
    auto port = h.substr(colon + 1);
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
    name = h.substr(0, colon);
  }
  if (name.empty() || name.front() == '-' || name.front() == '.' || name.back() == '-' || name.back() == '.')
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.')) return false;
  return true;
}

// The registry is the part before the first '/': a name alone ("alpine") is rejected because we do not guess.
boost::system::result<reference, reference_error> split_registry(std::string_view text, std::string_view& rest) {
  auto slash = text.find('/');
  if (slash == std::string_view::npos)
    return reference_error{errc::bad_reference,
                           "a registry host is required, as in registry.example.com/" + std::string(text)};
  reference r;
  r.registry = std::string(text.substr(0, slash));
  if (!valid_host(r.registry))
    return reference_error{errc::bad_reference, "invalid registry host '" + r.registry + "'"};
  rest = text.substr(slash + 1);
  return r;
}

boost::system::result<void, reference_error> set_repository(reference& r, std::string_view repo) {
  if (!is_valid_repository(repo))
    return reference_error{errc::bad_reference,
                           "invalid repository name '" + std::string(repo) +
                               "' (lowercase letters, digits, and . _ __ - separators between '/'-separated parts)"};
  r.repository = std::string(repo);
  if ((r.registry == "docker.io" || r.registry == "index.docker.io") && r.repository.find('/') == std::string::npos)
    r.repository = "library/" + r.repository;
  // Checked again once "library/" is added: a name near the limit would otherwise parse but not round-trip
  // (found by fuzz_reference; tests/fuzz/corpus/reference/library-prefix-over-limit).
  if (r.repository.size() > 255)
    return reference_error{errc::bad_reference, "repository name '" + r.repository + "' is longer than 255 characters"};
  return {};
}

}  // namespace

bool is_valid_repository(std::string_view name) noexcept {
  if (name.empty() || name.size() > 255) return false;
  std::size_t start = 0;
  while (true) {
    auto slash = name.find('/', start);
    if (!valid_component(name.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start)))
      return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

bool is_valid_tag(std::string_view tag) noexcept {
  if (tag.empty() || tag.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(tag.front())) return false;
  for (char c : tag)
    if (!(word(c) || c == '.' || c == '-')) return false;
  return true;
}

std::string reference::api_host() const {
  if (registry == "docker.io" || registry == "index.docker.io") return "registry-1.docker.io";
  return registry;
}

std::string reference::str() const {
  std::string s = registry + "/" + repository;
  if (!tag.empty()) s += ":" + tag;
  if (!digest.empty()) s += "@" + digest;
  return s;
}

boost::system::result<reference, reference_error> parse_reference(std::string_view text) {
  std::string_view rest;
  auto r = split_registry(text, rest);
  if (!r) return r;
  if (auto at = rest.find('@'); at != std::string_view::npos) {
    auto d = rest.substr(at + 1);
    if (!d.starts_with("sha256:"))
      return reference_error{errc::bad_digest,
                             "unsupported digest '" + std::string(d) + "' (only sha256 is supported)"};
    if (!is_valid_digest(d))
      return reference_error{errc::bad_digest,
                             "invalid digest '" + std::string(d) + "' (want sha256: and 64 lowercase hex digits)"};
    r->digest = std::string(d);
    rest = rest.substr(0, at);
  }
  // A ':' after the last '/' starts the tag (a ':' before it would be a port, already consumed with the host).
  auto last_slash = rest.rfind('/');
  auto colon = rest.find(':', last_slash == std::string_view::npos ? 0 : last_slash);
  if (colon != std::string_view::npos) {
    auto tag = rest.substr(colon + 1);
    if (!is_valid_tag(tag))
      return reference_error{errc::bad_reference, "invalid tag '" + std::string(tag) +
                                                      "' (up to 128 of [A-Za-z0-9_.-], not starting with . or -)"};
    r->tag = std::string(tag);
    rest = rest.substr(0, colon);
  }
  if (auto ok = set_repository(*r, rest); !ok) return ok.error();
  return r;
}

boost::system::result<reference, reference_error> parse_repository(std::string_view text) {
  std::string_view rest;
  auto r = split_registry(text, rest);
  if (!r) return r;
  if (rest.find_first_of(":@") != std::string_view::npos)
    return reference_error{errc::bad_reference, "expected a repository without a tag or digest"};
  if (auto ok = set_repository(*r, rest); !ok) return ok.error();
  return r;
}

}  // namespace ocimirror::transfer
