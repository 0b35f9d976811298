#include "transfer/registry/listing.hpp"

#include "transfer/net/headers.hpp"
#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/reference.hpp"

#include <boost/json.hpp>

#include <set>

namespace ocimirror::transfer {
namespace json = boost::json;

list_pager::list_pager(std::string first_url, std::string key, name_check check, listing_limits limits)
    : url_(std::move(first_url)), key_(std::move(key)), check_(std::move(check)), limits_(limits) {}

list_pager::outcome list_pager::add(std::string_view body, std::string_view link_header) {
  bytes_ += body.size();
  if (bytes_ > limits_.max_bytes) {
    problem_ = "its " + key_ + " list is over " + std::to_string(limits_.max_bytes >> 20) + " MiB";
    return outcome::refused;
  }
  boost::system::error_code ec;
  const auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) {
    problem_ = "answered a " + key_ + " list that is not a JSON object";
    return outcome::corrupt;
  }
  std::vector<std::string_view> page;
  // The spec's answer always has the key (null for a repository without tags): without it, a flipped byte in the
  // key's name would read as an empty list, and every tag of the repository would be silently left behind.
  const auto* arr = doc.as_object().if_contains(key_);
  if (!arr) {
    problem_ = "answered a " + key_ + " list without '" + key_ + "'";
    return outcome::corrupt;
  }
  if (!arr->is_null()) {
    if (!arr->is_array()) {
      problem_ = "answered a " + key_ + " list whose '" + key_ + "' is not an array";
      return outcome::corrupt;
    }
    std::set<std::string_view> on_page;
    for (const auto& v : arr->as_array()) {
      if (!v.is_string() || !check_(v.as_string())) {
        problem_ = "listed " + (v.is_string() ? "'" + printable(v.as_string()) + "'" : std::string("a non-string")) +
                   ", which is not a valid name in its " + key_ + " list";
        return outcome::corrupt;
      }
      // A registry lists a name once per page; twice is a name garbled into another (app-5 read as app-7 would
      // leave app-5 out without a word). Across pages a repeat is a list that moved while it was paged.
      if (!on_page.insert(v.as_string()).second) {
        problem_ = "listed '" + printable(v.as_string()) + "' twice in one page of its " + key_ + " list";
        return outcome::corrupt;
      }
      page.push_back(v.as_string());
    }
  }
  for (auto name : page)
    if (seen_.emplace(name).second) names_.emplace_back(name);
  ++pages_;
  visited_.insert(url_);
  if (names_.size() > limits_.max_entries) {
    problem_ = "listed more than " + std::to_string(limits_.max_entries) + " " + key_;
    return outcome::refused;
  }
  const auto link = parse_next_link(link_header);
  if (!link) return outcome::done;
  auto next = resolve_url(url_, *link);
  if (next.empty() || visited_.count(next)) return outcome::done;  // a loop ends the list, it does not grow it
  if (pages_ >= limits_.max_pages) {
    problem_ = "paged its " + key_ + " list past " + std::to_string(limits_.max_pages) + " pages";
    return outcome::refused;
  }
  url_ = std::move(next);
  return outcome::next;
}

boost::system::result<std::vector<std::string>, std::string> parse_packages_page(std::string_view body) {
  using result = boost::system::result<std::vector<std::string>, std::string>;
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_array()) return result(boost::system::in_place_error, "is not a JSON array of packages");
  std::vector<std::string> names;
  for (const auto& p : doc.as_array()) {
    const auto* name = p.is_object() ? p.as_object().if_contains("name") : nullptr;
    if (!name || !name->is_string() || !is_valid_repository(std::string_view(name->as_string())))
      return result(boost::system::in_place_error,
                    "lists a package without a valid name (" + printable(json::serialize(p), 80) + ")");
    names.emplace_back(name->as_string());
  }
  return names;
}

boost::system::result<std::string, std::string> github_api_base(std::string_view configured) {
  std::string url(configured.empty() ? std::string_view("https://api.github.com") : configured);
  while (!url.empty() && url.back() == '/') url.pop_back();
  using result = boost::system::result<std::string, std::string>;
  try {
    const auto u = split_url(url);  // GitHub Enterprise's is https://HOST/api/v3: a path is fine, a user name not
    if (u.tls || is_loopback_url(url)) return result(boost::system::in_place_value, url);
  } catch (const error& e) {
    return result(boost::system::in_place_error, "GITHUB_API_URL is not usable: " + std::string(e.what()));
  }
  return result(boost::system::in_place_error,
                "GITHUB_API_URL=" + printable(url) +
                    " must be an https:// URL (http:// only on loopback): the token goes with each request");
}

}  // namespace ocimirror::transfer
