#pragma once
// Paged lists a registry serves (tag lists, the catalog), collected without trusting it: every page checked before
// any of it counts (JSON, every name valid), entries de-duplicated, a Link that points back at a page already read
// ends the list, and the whole list bounded in entries, pages and bytes. Pure: the caller fetches each url().
#include <cstddef>
#include <cstdint>
#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

namespace ocimirror::transfer {

/// How much of one list ocimirror reads before refusing it. Generous: Docker Hub repositories hold tens of
/// thousands of tags, a large registry's catalog a few hundred thousand repositories.
struct listing_limits {
  std::size_t max_entries = 500'000;
  std::size_t max_pages = 10'000;
  std::uint64_t max_bytes = 128ull << 20;
};

class list_pager {
 public:
  using name_check = std::function<bool(std::string_view)>;
  /// key: the JSON array that holds the names ("tags", "repositories"); check: what a valid name is.
  list_pager(std::string first_url, std::string key, name_check check, listing_limits limits = {});

  enum class outcome {
    next,     ///< fetch url() again: the page's Link named another page
    done,     ///< the list is complete (no Link, or a Link back to a page already read)
    corrupt,  ///< the page is not what a registry sends (not JSON, a name that is not valid): fetch it again
    refused,  ///< a bound was reached: the list is refused whole
  };
  /// Takes the page just fetched from url() with its Link header. On corrupt or refused, problem() says why and
  /// nothing of the page was kept.
  outcome add(std::string_view body, std::string_view link_header);

  const std::string& url() const { return url_; }
  const std::string& problem() const { return problem_; }
  std::size_t pages() const { return pages_; }
  /// The names, in the order first seen, each once.
  std::vector<std::string> take() { return std::move(names_); }

 private:
  std::string url_, key_;
  name_check check_;
  listing_limits limits_;
  std::vector<std::string> names_;
  std::set<std::string> seen_, visited_;
  std::size_t pages_ = 0;
  std::uint64_t bytes_ = 0;
  std::string problem_;
};

/// One page of the GitHub REST API's package list (a JSON array of objects with "name"): the names, each a valid
/// repository path, or what is wrong with the page (github_packages.hpp fetches the pages).
boost::system::result<std::vector<std::string>, std::string> parse_packages_page(std::string_view body);

/// The GitHub API's base URL from GITHUB_API_URL (empty: https://api.github.com), without a trailing slash. http:// is
/// refused unless on loopback (a test endpoint): the token travels with every request.
boost::system::result<std::string, std::string> github_api_base(std::string_view configured);

}  // namespace ocimirror::transfer
