#pragma once
// What a request to a registry names, taken apart for the test kit's registry stand-ins and proxies: the
// repository, the kind of endpoint, the reference and the query; and the value of one `key=` in a query string or a
// form body.
#include <string>
#include <string_view>

namespace ocimirror::testing {

/// "/v2/<repo>/<kind>/<ref>?<query>": kind is manifests, blobs, uploads, tags, referrers or catalog.
struct target_parts {
  std::string path, query, repo, kind, ref;
};
target_parts parse_target(std::string_view target);

/// The value of key in "a=1&b=2" (a query or an x-www-form-urlencoded body), as written; empty when absent.
std::string query_param(std::string_view query, std::string_view key);
/// t's path with its query, key set to value (replacing any earlier value).
std::string with_param(const target_parts& t, const std::string& key, const std::string& value);

}  // namespace ocimirror::testing
