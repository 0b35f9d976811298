// The quirks of each registry family as profile_proxy reproduces them, each with its public source. (The proxy's
// own bookkeeping is in profile_proxy.cpp.)
#include "tests/support/profile_proxy.hpp"
#include "tests/support/request_target.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <regex>

namespace ocimirror::testing {
namespace http = boost::beast::http;
using clock = std::chrono::steady_clock;

namespace {

unsigned number(const std::string& s) {
  unsigned v = 0;
  std::from_chars(s.data(), s.data() + s.size(), v);
  return v;
}

bool is_digest_ref(const std::string& ref) { return ref.starts_with("sha256:"); }

constexpr const char* accept_manifests =
    "application/vnd.oci.image.index.v1+json, application/vnd.oci.image.manifest.v1+json, "
    "application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.docker.distribution.manifest.v2+json";

}  // namespace
// ---- AWS ECR ----
std::optional<profile_proxy::response> profile_proxy::ecr(const request& req) {
  const auto t = parse_target(req.target());
  // Repositories must exist before a push: POST /blobs/uploads/ to a missing one is 404 NAME_UNKNOWN (regclient#203).
  if (require_repositories_ && req.method() != http::verb::get && req.method() != http::verb::head && !t.repo.empty()) {
    bool known = false;
    {
      std::lock_guard lock(mutex_);
      known = repositories_.count(t.repo) > 0;
    }
    if (!known)
      return refuse("name_unknown", 404, "NAME_UNKNOWN",
                    "The repository with name '" + t.repo + "' does not exist in the registry with id '123456789012'");
  }
  // tags/list with n > 1000 is an error (go-containerregistry pkg/v1/remote/options.go).
  if (t.kind == "tags" && number(query_param(t.query, "n")) > 1000)
    return refuse("page_size", 400, "PAGINATION_NUMBER_INVALID", "n must be at most 1000");
  if (req.method() == http::verb::put && t.kind == "manifests") {
    // Immutable tags: a PUT to a tag that exists fails even with the same digest (aws/containers-roadmap#2380).
    if (!is_digest_ref(t.ref)) {
      request head{http::verb::head, t.path, 11};
      head.set(http::field::host, req[http::field::host]);
      head.set(http::field::accept, accept_manifests);
      if (!req[http::field::authorization].empty())
        head.set(http::field::authorization, req[http::field::authorization]);
      if (forward(head).result_int() == 200)
        return refuse("tag_invalid", 400, "TAG_INVALID",
                      "The image tag '" + t.ref + "' already exists in the '" + t.repo +
                          "' repository and cannot be overwritten because the tag is immutable.");
    }
    // The manifest validator lags a blob's 201 by hundreds of ms (ocync#104).
    if (auto lagging = just_committed(t.repo, req.body()))
      return refuse("manifest_lag", 400, "MANIFEST_BLOB_UNKNOWN", "blob unknown to registry: " + *lagging);
  }
  // Cross-repository mount is off unless the account enables BLOB_MOUNTING: 202 and an ordinary upload
  // (aws/containers-roadmap#2860).
  if (req.method() == http::verb::post && t.kind == "uploads" && !query_param(t.query, "mount").empty()) {
    hit("mount_as_upload");
    request plain = req;
    plain.target(t.path);
    return forward(std::move(plain));
  }
  return std::nullopt;
}

// ---- Azure ACR ----
std::optional<profile_proxy::response> profile_proxy::acr(const request& req) {
  const auto t = parse_target(req.target());
  // Transfer-Encoding: chunked refused with CONTENT_LENGTH_INVALID (goharbor/harbor#23015, #21640).
  if (req[http::field::transfer_encoding].find("chunked") != std::string_view::npos)
    return refuse("chunked", 400, "CONTENT_LENGTH_INVALID", "chunked transfer encoding is not supported");
  // A request body over about 20 MB gets 413 (goharbor/harbor#23015).
  if (req.body().size() > 20'000'000) {
    auto res = refuse("413", 413, "", "");
    res.set(http::field::content_type, "text/html");
    res.body() = "413 Request Entity Too Large - AzureContainerRegistry";
    return res;
  }
  // _catalog pages at 100 (regclient#404).
  if (t.kind == "catalog" && number(query_param(t.query, "n")) > 100) {
    hit("catalog_page");
    request paged = req;
    paged.target(with_param(t, "n", "100"));
    return forward(std::move(paged));
  }
  return std::nullopt;
}

// ---- GitHub Container Registry ----
std::optional<profile_proxy::response> profile_proxy::ghcr(const request& req) {
  const auto t = parse_target(req.target());
  // No _catalog (oras-go#621: the GitHub REST API lists an organisation's packages instead).
  if (t.kind == "catalog") return refuse("no_catalog", 404, "NOT_FOUND", "404 page not found");
  // No referrers API: a 303 to a rate-limited github.com page (artifacthub/hub#4785). Here the page is a closed
  // port, so a client that follows the redirect fails at once instead of waiting on DNS.
  if (t.kind == "referrers") {
    auto res = refuse("referrers_303", 303, "", "");
    res.set(http::field::location, "http://127.0.0.1:9/orgs/o/packages");
    res.body().clear();
    return res;
  }
  // PATCH bodies over 4 MiB are refused with 416 (ocx-sh/ocx#237).
  if (req.method() == http::verb::patch && req.body().size() > (4u << 20))
    return refuse("patch_416", 416, "BLOB_UPLOAD_INVALID", "chunk too large");
  // tags/list answers 100 per page with Link (ocync client.rs; "always follow Link").
  if (t.kind == "tags" && number(query_param(t.query, "n")) != 100) {
    hit("tag_page");
    request paged = req;
    paged.target(with_param(t, "n", "100"));
    return forward(std::move(paged));
  }
  return std::nullopt;
}

// ---- Docker Hub ----
std::optional<profile_proxy::response> profile_proxy::dockerhub(const request& req) {
  const auto t = parse_target(req.target());
  if (t.kind == "catalog") return refuse("no_catalog", 404, "UNSUPPORTED", "catalog is disabled");
  if (t.kind == "referrers") return refuse("no_referrers", 404, "NOT_FOUND", "404 page not found");
  // ratelimit-limit / ratelimit-remaining on manifest GETs (HEAD does not count); 429 with Retry-After when spent
  // (docs.docker.com/docker-hub/usage/pulls; regsync `ratelimit.min`).
  if (t.kind != "manifests" || rate_.limit == 0 || req.method() == http::verb::put) return std::nullopt;
  double remaining = 0;
  bool spent = false;
  {
    std::lock_guard lock(mutex_);
    const auto now = clock::now();
    const double per_ms = double(rate_.limit) / double(rate_.window.count());
    tokens_ = std::min<double>(rate_.limit,
                               tokens_ + per_ms * std::chrono::duration<double, std::milli>(now - refilled_).count());
    refilled_ = now;
    if (req.method() == http::verb::get) {
      if (tokens_ >= 1)
        tokens_ -= 1;
      else
        spent = true;
    }
    remaining = tokens_;
  }
  const std::string w = ";w=" + std::to_string(rate_.window.count() / 1000);
  if (!spent) hit("rate_limit");
  auto res = spent ? refuse("429", 429, "TOOMANYREQUESTS", "You have reached your pull rate limit.") : forward(req);
  if (spent) res.set(http::field::retry_after, "1");
  res.set("ratelimit-limit", std::to_string(rate_.limit) + w);
  res.set("ratelimit-remaining", std::to_string(static_cast<unsigned>(remaining)) + w);
  return res;
}

// ---- Google Artifact Registry ----
std::optional<profile_proxy::response> profile_proxy::gar(const request& req) {
  // No chunked uploads: a PATCH is refused, a monolithic PUT works (dotnet/sdk-container-builds#287).
  if (req.method() == http::verb::patch)
    return refuse("no_patch", 400, "UNSUPPORTED", "chunked upload is not supported");
  return std::nullopt;
}

// ---- Quay ----
std::optional<profile_proxy::response> profile_proxy::quay(const request& req) {
  const auto t = parse_target(req.target());
  // A mount without `from` was a 400 (REGISTRIES.md, Quay).
  if (req.method() == http::verb::post && t.kind == "uploads" && !query_param(t.query, "mount").empty() &&
      query_param(t.query, "from").empty())
    return refuse("mount_without_from", 400, "UNSUPPORTED", "mount needs from");
  if (t.kind != "tags" || req.method() != http::verb::get) return std::nullopt;
  // Tag pages of 50 with an opaque next_page token in Link.
  request all = req;
  all.target(t.path + "?n=1000");
  auto res = forward(std::move(all));
  if (res.result_int() != 200) return res;
  auto doc = boost::json::parse(res.body()).as_object();
  const auto& tags = doc["tags"].as_array();
  const auto token = query_param(t.query, "next_page");
  std::size_t from = token.size() > 2 ? std::stoul(token.substr(2), nullptr, 16) : 0;
  boost::json::array page;
  for (std::size_t i = from; i < tags.size() && i < from + 50; ++i) page.push_back(tags[i]);
  hit("tag_page");
  res.body() = boost::json::serialize(boost::json::object{{"name", t.repo}, {"tags", page}});
  if (from + 50 < tags.size()) {
    char hex[32];
    std::snprintf(hex, sizeof hex, "qX%zx", from + 50);
    res.set(http::field::link, "</v2/" + t.repo + "/tags/list?n=50&next_page=" + hex + ">; rel=\"next\"");
  }
  res.prepare_payload();
  return res;
}

// ---- Harbor ----
std::optional<profile_proxy::response> profile_proxy::harbor(const request& req) {
  const auto t = parse_target(req.target());
  if (t.path == "/api/v2.0/systeminfo") {  // how Harbor is recognised (goharbor/harbor API v2.0)
    hit("systeminfo");
    response res{http::status::ok, 11};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"harbor_version":"v2.10.2-1a741cb7","auth_mode":"db_auth"})";
    return res;
  }
  // A mount without `from` opens an ordinary upload (202) instead (REGISTRIES.md, Harbor).
  if (req.method() == http::verb::post && t.kind == "uploads" && !query_param(t.query, "mount").empty() &&
      query_param(t.query, "from").empty()) {
    hit("mount_without_from");
    request plain = req;
    plain.target(t.path);
    return forward(std::move(plain));
  }
  return std::nullopt;
}

// ---- JFrog Artifactory ----
std::optional<profile_proxy::response> profile_proxy::artifactory(const request& req) {
  const auto t = parse_target(req.target());
  // Uploads must go through PATCH: a PUT that carries the blob is refused (containerd/containerd#3533).
  if (req.method() == http::verb::put && t.kind == "uploads" && !req.body().empty())
    return refuse("monolithic", 400, "BLOB_UPLOAD_INVALID", "monolithic upload is not supported");
  return std::nullopt;
}

// ---- GitLab ----
std::optional<profile_proxy::response> profile_proxy::gitlab(const request& req) {
  const auto t = parse_target(req.target());
  // The tag sha256-<hex> resolves as the digest itself (oras-go#1396).
  if (t.kind == "manifests" && req.method() != http::verb::put && t.ref.size() == 71 && t.ref.starts_with("sha256-")) {
    hit("digest_tag");
    request aliased = req;
    aliased.target(t.path.substr(0, t.path.size() - 71) + "sha256:" + t.ref.substr(7));
    return forward(std::move(aliased));
  }
  return std::nullopt;
}

void profile_proxy::rewrite(const request& req, response& res) {
  const auto t = parse_target(req.target());
  if (family_ == "ecr") {
    // A blob's commit (the PUT with ?digest=) starts the validator's lag.
    if (req.method() == http::verb::put && t.kind == "uploads" && res.result_int() == 201) {
      std::lock_guard lock(mutex_);
      committed_[t.repo + "@" + std::string(res["Docker-Content-Digest"])] = clock::now();
    }
    // An intermediate PATCH answers 201, not 202 (regclient scheme/reg/blob.go).
    if (req.method() == http::verb::patch && res.result_int() == 202) {
      hit("patch_201");
      res.result(http::status::created);
    }
  } else if (family_ == "gar" && res.result_int() == 401 && t.path != "/v2/") {
    // gcr.io answers 401 without WWW-Authenticate; only the API root challenges (REGISTRIES.md, Others).
    hit("401_without_challenge");
    res.erase(http::field::www_authenticate);
  } else if (family_ == "harbor" && res.result_int() == 404 && req.method() != http::verb::head) {
    // v2.10.2 reports not-found with the code UNKNOWN (containers/image#2413).
    hit("unknown_404");
    res.body() = R"({"errors":[{"code":"UNKNOWN","message":"unknown: resource not found"}]})";
  } else if (family_ == "artifactory" && t.kind == "tags" && res.result_int() == 200) {
    // tags/list may hold digests (containers/skopeo#2346).
    hit("digest_in_tags");
    auto doc = boost::json::parse(res.body()).as_object();
    if (auto* tags = doc.if_contains("tags"); tags && tags->is_array())
      tags->as_array().push_back(boost::json::value("sha256:" + std::string(64, 'a')));
    res.body() = boost::json::serialize(doc);
  }
  if (req.method() != http::verb::head) res.prepare_payload();
}

}  // namespace ocimirror::testing
