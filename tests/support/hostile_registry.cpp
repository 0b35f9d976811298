#include "tests/support/hostile_registry.hpp"

#include "transfer/oci/digest.hpp"

#include <boost/json.hpp>

#include <map>
#include <vector>

namespace ocimirror::testing {
namespace http = boost::beast::http;
namespace json = boost::json;

namespace {

using response = loopback_server::response;

response answer(http::status st, std::string body, std::string type = "application/json") {
  response r{st, 11};
  r.set(http::field::content_type, type);
  r.body() = std::move(body);
  r.prepare_payload();
  return r;
}

response tags_page(const std::string& repo, const std::vector<std::string>& tags, const std::string& next) {
  json::array arr;
  for (const auto& t : tags) arr.emplace_back(t);
  auto r = answer(http::status::ok, json::serialize(json::object{{"name", repo}, {"tags", std::move(arr)}}));
  if (!next.empty()) r.set(http::field::link, "<" + next + ">; rel=\"next\"");
  return r;
}

std::string query_value(const std::string& target, const std::string& key) {
  const auto at = target.find(key + "=");
  if (at == std::string::npos) return {};
  const auto end = target.find('&', at);
  return target.substr(at + key.size() + 1, end == std::string::npos ? std::string::npos : end - at - key.size() - 1);
}

/// digest -> bytes of a chain of nested indexes, the top one first in `top`.
std::map<std::string, std::string> index_chain(int depth, std::string& top) {
  std::map<std::string, std::string> out;
  std::string child_digest = "sha256:" + std::string(64, '0'),
              child_type = "application/vnd.oci.image.manifest.v1+json";
  std::size_t child_size = 2;
  for (int i = 0; i < depth; ++i) {
    json::object d{{"mediaType", child_type}, {"digest", child_digest}, {"size", child_size}};
    auto bytes = json::serialize(json::object{
        {"schemaVersion", 2}, {"mediaType", "application/vnd.oci.image.index.v1+json"}, {"manifests", json::array{d}}});
    child_digest = transfer::sha256_digest(bytes);
    child_type = "application/vnd.oci.image.index.v1+json";
    child_size = bytes.size();
    out[child_digest] = std::move(bytes);
  }
  top = child_digest;
  return out;
}

}  // namespace

hostile_registry::hostile_registry(std::string realm_host)
    : realm_host_(std::move(realm_host)), server_([this](loopback_server::request& req) { return handle(req); }) {}

response hostile_registry::handle(const loopback_server::request& req) {
  ++requests_;
  const std::string target(req.target());
  const std::string path = target.substr(0, target.find('?'));
  if (!realm_host_.empty()) {
    if (path == "/token") {
      if (!req[http::field::authorization].empty()) ++credentials_seen_;
      return answer(http::status::ok, R"({"token":"t"})");
    }
    if (req[http::field::authorization] != "Bearer t") {
      auto r = answer(http::status::unauthorized, R"({"errors":[{"code":"UNAUTHORIZED","message":"token"}]})");
      r.set(http::field::www_authenticate, "Bearer realm=\"http://" + realm_host_ + ":" +
                                               std::to_string(server_.port()) + "/token\",service=\"hostile\"");
      return r;
    }
  }
  if (path == "/v2/") return answer(http::status::ok, "{}");
  if (path == "/v2/_catalog") return answer(http::status::ok, R"({"repositories":["ok/app","x/../prod/web"]})");
  if (path == "/v2/loop/self/tags/list") return tags_page("loop/self", {"a", "b"}, "/v2/loop/self/tags/list?n=2");
  if (path == "/v2/loop/endless/tags/list") {
    const auto last = query_value(target, "last");
    const long n = last.empty() ? 0 : std::stol(last.substr(1)) + 1;
    return tags_page("loop/endless", {"t" + std::to_string(n)},
                     "/v2/loop/endless/tags/list?n=1&last=t" + std::to_string(n));
  }
  if (path == "/v2/loop/repeat/tags/list") {
    std::vector<std::string> tags;
    for (int i = 0; i < 1000; ++i) tags.push_back("tag-" + std::to_string(i));
    const auto page = query_value(target, "page");
    return tags_page("loop/repeat", tags,
                     "/v2/loop/repeat/tags/list?page=" + std::to_string(page.empty() ? 1 : std::stol(page) + 1));
  }
  if (path == "/v2/names/escape/tags/list") return tags_page("names/escape", {"v1", "../../victim"}, "");
  if (path.starts_with("/v2/deep/chain/manifests/")) {
    static std::string top;
    static const auto chain = index_chain(40, top);
    const std::string ref = path.substr(std::string("/v2/deep/chain/manifests/").size());
    auto found = chain.find(ref == "v1" ? top : ref);
    if (found == chain.end())
      return answer(http::status::not_found, R"({"errors":[{"code":"MANIFEST_UNKNOWN","message":"no"}]})");
    auto r = answer(http::status::ok, found->second, "application/vnd.oci.image.index.v1+json");
    r.set("Docker-Content-Digest", found->first);
    return r;
  }
  if (path.starts_with("/v2/inject/app/"))
    return answer(http::status::internal_server_error,
                  "{\"errors\":[{\"code\":\"UNKNOWN\",\"message\":\"boom\\nocimirror: error: forged "
                  "line\\u001b[2J\\u001b[31m\"}]}");
  if (path.starts_with("/v2/slow/app/manifests/")) {
    const std::string bytes =
        R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[],"annotations":{"pad":")" +
        std::string(48 << 10, 'x') + "\"}}";
    auto r = answer(http::status::ok, bytes, "application/vnd.oci.image.index.v1+json");
    r.set("Docker-Content-Digest", transfer::sha256_digest(bytes));
    if (req.method() != http::verb::head) r.set(loopback_server::drip, "64,200");
    return r;
  }
  return answer(http::status::not_found, R"({"errors":[{"code":"NAME_UNKNOWN","message":"no such repository"}]})");
}

}  // namespace ocimirror::testing
