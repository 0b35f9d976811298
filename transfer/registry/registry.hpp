#pragma once
// One registry's distribution API: manifests, blobs (redirects followed without credentials), uploads
// (monolithic and chunked, newest Location always used), mounts, tags and catalog with Link pagination.
// Every failure is a transfer::error whose message names the registry and the reference.
#include "transfer/net/concurrency.hpp"
#include "transfer/net/http.hpp"
#include "transfer/net/retrier.hpp"
#include "transfer/net/single_flight.hpp"
#include "transfer/oci/manifest.hpp"
#include "transfer/registry/auth.hpp"
#include "transfer/registry/listing.hpp"
#include "transfer/registry/profile.hpp"
#include "transfer/registry/rate_limit.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer {

class upload_state;

struct manifest_head {
  std::string digest;
  std::string media_type;
  std::uint64_t size = 0;
};

struct fetched_manifest {
  std::string bytes;
  std::string media_type;  ///< Content-Type as served (may be empty)
  std::string digest;      ///< sha256 of bytes, computed here
};

class registry_client {
 public:
  /// name: the registry as the user wrote it (for messages and auth); plain_http: talk http:// instead of https://.
  /// max_concurrency: requests, and blob transfers, at once with this registry at most; the adaptive limit
  /// (adaptive_limit.hpp) starts there and finds what the registry and the link take below it.
  registry_client(http_client& http, authenticator& auth, std::string name, std::string api_host, bool plain_http,
                  std::size_t max_concurrency = 32, retry_policy retry = {});

  const std::string& name() const { return name_; }
  /// Blob transfers at once (a transfer holds a permit from each registry it involves).
  concurrency& limiter() { return limit_; }
  /// The limit requests and blob transfers share right now.
  std::size_t working_limit() const { return adaptive_.limit(); }
  const retry_policy& policy() const { return retry_.policy(); }
  /// Spends a retry from `budget` and waits before it (see retrier::again); false when a budget is spent.
  awaitable<bool> retry(retry_budget& budget, std::string_view retry_after = {});
  struct counters {
    std::size_t requests = 0, retries = 0, throttled = 0;
    std::chrono::milliseconds waited{0};  ///< paused: pacing by the registry's rate-limit headers and retry waits
  };
  const counters& stats() const { return counters_; }
  /// One response this client read, for metrics: its method, its HTTP status, how long the exchange took (for a
  /// streamed blob GET: until its headers arrived).
  struct response_seen {
    std::string_view method;
    unsigned status = 0;
    double seconds = 0;
  };
  /// Told of every response this client reads (the daemon counts them for its metrics).
  using response_observer = std::function<void(const std::string& registry, const response_seen& r)>;
  void observe(response_observer o) { observer_ = std::move(o); }
  /// Told every pause this client takes (rate-limit pacing, the wait before a retry), for metrics.
  using wait_observer = std::function<void(const std::string& registry, std::chrono::milliseconds waited)>;
  void observe_waits(wait_observer o) { wait_observer_ = std::move(o); }
  /// Bounds on every tag list and catalog read from this registry.
  void limit_listings(listing_limits l) { listing_ = l; }
  /// What this registry family does differently (set once, before the first request); `generic` unless told.
  void set_profile(const registry_profile& p) { profile_ = &p; }
  const registry_profile& profile() const { return *profile_; }
  /// The upload strategy for this registry from what was asked for (see registry_profile::uploads).
  upload_options uploads(const upload_options& asked) const { return profile_->uploads(asked); }
  /// Makes a repository before the first write to it (ECR's CreateRepository for `create_repositories: true`);
  /// asked once per repository per client, before its first mount, upload or manifest push.
  /// True when it created repo, false when repo existed.
  using repository_creator = std::function<awaitable<bool>(const std::string& repo)>;
  void create_missing_with(repository_creator c) { creator_ = std::move(c); }
  /// Lists an owner's repositories where the registry has no catalog (GHCR: the GitHub REST API's packages).
  using package_lister = std::function<awaitable<std::vector<std::string>>(const std::string& owner)>;
  void list_packages_with(package_lister l) { lister_ = std::move(l); }
  bool lists_packages() const { return bool(lister_); }
  awaitable<std::vector<std::string>> packages_of(const std::string& owner) { return lister_(owner); }
  /// Set once the registry answered a ranged blob GET with the whole body: later large blobs use one GET each.
  bool ignores_range = false;

  awaitable<void> ping();
  /// Before a 404 without the spec's error body is reported as "not found": throws errc::protocol ("HOST is not an
  /// OCI registry: GET /v2/ answered ...") when the host does not answer GET /v2/ as a registry does (200 or 401,
  /// or the API version header; never an HTML page). Asked once per client; a failure to ask leaves the 404 to speak.
  awaitable<void> require_registry();
  awaitable<std::optional<manifest_head>> head_manifest(const std::string& repo, const std::string& target);
  awaitable<fetched_manifest> get_manifest(const std::string& repo, const std::string& target);
  /// PUTs the exact bytes; returns the digest the registry reports (or the computed one). subject_seen, when given,
  /// is set to whether the registry answered with OCI-Subject (it indexes the manifest's subject itself).
  awaitable<std::string> put_manifest(const std::string& repo, const std::string& target, const std::string& bytes,
                                      const std::string& media_type, bool* subject_seen = nullptr);
  /// The referrers of digest through the OCI 1.1 API, every page. nullopt when the registry does not support it
  /// (404, a redirect, or a body that is not an OCI index). (Defined in referrers.cpp.)
  awaitable<std::optional<std::vector<descriptor>>> referrers(const std::string& repo, const std::string& digest);
  awaitable<void> delete_manifest(const std::string& repo, const std::string& digest);
  /// Deletes one tag (OCI 1.1). False when the registry only deletes by digest (distribution 2.8 answers 400).
  awaitable<bool> delete_tag(const std::string& repo, const std::string& tag);

  /// The blob's size when the registry has it in repo.
  /// The blob calls take `within`, the budget of the blob they serve (may be null): their own retries are spent
  /// from it too, so a blob's requests never retry more, together, than the blob may.
  awaitable<std::optional<std::uint64_t>> blob_size(const std::string& repo, const std::string& digest,
                                                    retry_budget* within = nullptr);
  /// Opens the blob's body, bytes [offset, end) (Range; end absent: to the last byte), following redirects to
  /// storage hosts without credentials. A registry that ignores Range answers 200 with the whole body: check status().
  awaitable<std::unique_ptr<body_stream>> get_blob(const std::string& repo, const std::string& digest,
                                                   std::uint64_t offset = 0, std::optional<std::uint64_t> end = {},
                                                   retry_budget* within = nullptr);
  /// An upload session the registry opened: its Location and the minimum chunk it asked for.
  struct upload_session {
    std::string location, chunk_min;
    std::uint64_t offset = 0;  ///< bytes it already holds (a session resumed after a restart)
  };
  /// Told the newest Location and the bytes held after every acknowledged PATCH, so a restart can continue.
  using upload_journal = std::function<awaitable<void>(const std::string& location, std::uint64_t offset)>;
  /// Asks the registry how far an earlier upload session of repo got (GET on its Location). nullopt when the
  /// session is gone, expired or answers anything but 204 with a Range.
  awaitable<std::optional<upload_session>> upload_status(const std::string& repo, const std::string& location,
                                                         retry_budget* within = nullptr);
  struct mount_result {
    bool mounted = false;                   ///< 201: the blob is there now
    std::optional<upload_session> session;  ///< 202: the registry opened an ordinary upload instead; continue it
  };
  /// Tries a cross-repository mount (`?mount=&from=`, one token with push on repo and pull on from_repo). A
  /// refusal (401/403/404/405) is not an error: the caller copies the blob.
  awaitable<mount_result> mount_blob(const std::string& repo, const std::string& digest, const std::string& from_repo,
                                     retry_budget* within = nullptr);
  /// Uploads `size` bytes from next() under digest, in the session given or a new one. The final PUT (which
  /// commits the digest) is sent only after next() returned its last piece, so a producer that throws on a
  /// mismatch leaves nothing behind.
  awaitable<void> push_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                            http_client::chunk_source next, const upload_options& opts,
                            std::optional<upload_session> session = std::nullopt, const upload_journal& journal = {},
                            retry_budget* within = nullptr);

  /// Every tag / repository, following Link pagination; page_size is the `n` asked per page.
  awaitable<std::vector<std::string>> list_tags(const std::string& repo, unsigned page_size = 1000);
  awaitable<std::vector<std::string>> catalog(unsigned page_size = 1000);

 private:
  /// One request to the registry, named field by field at each call (`.limit = 0` for a HEAD, `.within = blob`).
  struct request {
    http::verb verb = http::verb::get;
    std::string url;
    scope_set scopes{};          ///< the token scopes it needs (none: the API root)
    std::string body{};          ///< sent whole; a streamed body goes through stream_to
    std::string content_type{};  ///< of the body
    std::string accept{};
    std::size_t limit = 1 << 20;     ///< the most body bytes read back (0: a HEAD's none)
    retry_budget* within = nullptr;  ///< the budget its retries are also taken from (a blob's)
  };
  /// Sends r with credentials (to our own origin only), pacing, retries and re-authentication (response_step.hpp).
  awaitable<string_response> call(request r);
  awaitable<upload_session> start_upload(const std::string& repo, retry_budget* within);
  /// A 401's WWW-Authenticate, or the API root's when the 401 came without one (gcr.io).
  awaitable<std::string> challenge_of(std::string_view header);
  /// One request whose body streams from `body` (a monolithic PUT or one PATCH), credentials only to our origin.
  awaitable<string_response> stream_to(http::verb verb, const std::string& target, const scope_set& scopes,
                                       std::uint64_t length, http_client::chunk_source body,
                                       const std::string& content_range = {});
  /// The PATCHes of a chunked upload, each journaled, until `up` holds every byte.
  awaitable<void> patch_all(upload_state& up, http_client::chunk_source& next, const scope_set& scopes,
                            const std::string& what, const upload_journal& journal);
  /// A manifest PUT an immutable tag refused: done when the tag already holds these bytes, else a clear error.
  awaitable<std::string> immutable_tag(const std::string& repo, const std::string& tag, const std::string& bytes,
                                       const string_response& refused);
  /// Waits, when the registry's rate-limit headers say little is left, before a request that counts against it;
  /// marks `attempt` sent once the pacer lets it go.
  awaitable<void> pace(rate_pacer::attempt& attempt);
  /// Takes the registry's rate-limit headers from a response, when it sent them.
  void read_rate(const string_response& res);
  void waited(std::chrono::milliseconds d);
  /// A tag list (repo given: a 404 is "repository H/R not found") or the catalog (repo empty), every page bounded.
  awaitable<std::vector<std::string>> paginate(std::string url, const scope_set& scopes, const std::string& repo);
  [[noreturn]] void fail(const string_response& res, const std::string& what) const;
  std::string url(const std::string& path) const { return base_ + path; }

  http_client& http_;
  authenticator& auth_;
  std::string name_;
  std::string base_;  ///< "https://host:port"
  adaptive_limit adaptive_;
  concurrency limit_{adaptive_};     ///< blob transfers
  concurrency requests_{adaptive_};  ///< requests with a string body (manifests, listings, HEADs, upload steps)
  retrier retry_;
  counters counters_;
  response_observer observer_;
  listing_limits listing_;
  const registry_profile* profile_ = profile_named("generic");
  rate_pacer pacer_;
  repository_creator creator_;
  package_lister lister_;
  std::set<std::string> ensured_;  ///< repositories creator_ made or found
  single_flight creating_;
  /// Asks creator_ for repo, once.
  awaitable<void> ensure_repository(const std::string& repo);
  bool registry_checked_ = false;
  std::string not_registry_;  ///< why GET /v2/ did not look like a registry (empty: it did, or not asked yet)
  wait_observer wait_observer_;
  /// Feeds a response's status (and, for a request without a body, how long its answer took) to the adaptive
  /// limit and to the observer (with `elapsed`, the whole exchange); true when the request is worth repeating.
  bool assess(http::verb verb, unsigned status, std::chrono::steady_clock::duration elapsed,
              std::optional<adaptive_limit::duration> took = std::nullopt);
  /// Counts a response and tells the observer (assess does this too).
  void seen(http::verb verb, unsigned status, std::chrono::steady_clock::duration elapsed);
};

}  // namespace ocimirror::transfer
