// registry_client's upload half: sessions, mounts, monolithic and chunked pushes. The protocol's bookkeeping is in
// upload_state (pure, unit-tested); this file does the requests.
#include "transfer/net/headers.hpp"
#include "transfer/net/trace.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/registry/registry.hpp"
#include "transfer/registry/response_step.hpp"
#include "transfer/registry/upload_state.hpp"

namespace ocimirror::transfer {

namespace {
// Hands out exactly the bytes a chunked upload needs from a producer whose pieces do not line up with chunks.
struct chunk_splitter {
  http_client::chunk_source& next;
  std::span<const char> pending;
  awaitable<std::span<const char>> take(std::uint64_t max) {
    if (pending.empty()) pending = co_await next();
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(pending.size(), max));
    auto out = pending.first(n);
    pending = pending.subspan(n);
    co_return out;
  }
};
}  // namespace

awaitable<void> registry_client::ensure_repository(const std::string& repo) {
  // The blobs of one manifest race here together: one asks, the others wait for its answer, then look again (a
  // failed creation is asked again by the next write).
  while (creator_ && !ensured_.count(repo)) {
    auto turn = co_await creating_.begin(repo);
    if (!turn) continue;
    const bool created = co_await creator_(repo);
    ensured_.insert(repo);
    if (created && trace::enabled()) trace::emit("repository-created", {{"registry", name_}, {"repository", repo}});
  }
}

awaitable<registry_client::upload_session> registry_client::start_upload(const std::string& repo,
                                                                         retry_budget* within) {
  co_await ensure_repository(repo);
  request start{.verb = http::verb::post,
                .url = url("/v2/" + repo + "/blobs/uploads/"),
                .scopes = push_scope(repo),
                .within = within};
  auto res = co_await call(std::move(start));
  if (res.result_int() != 202) fail(res, "push blob to " + repo + " (start upload)");
  co_return upload_session{std::string(res[http::field::location]), std::string(res["OCI-Chunk-Min-Length"])};
}

awaitable<std::optional<registry_client::upload_session>> registry_client::upload_status(const std::string& repo,
                                                                                         const std::string& location,
                                                                                         retry_budget* within) {
  const std::string target = resolve_url(url("/v2/" + repo + "/blobs/uploads/"), location);
  if (target.empty() || !credentials_allowed(target, base_)) co_return std::nullopt;
  request status{.verb = http::verb::get, .url = target, .scopes = push_scope(repo), .within = within};
  auto res = co_await call(std::move(status));
  auto held = upload_state::held(res[http::field::range]);
  if (res.result_int() != 204 || !held) co_return std::nullopt;
  std::string newest(res[http::field::location]);
  co_return upload_session{newest.empty() ? target : resolve_url(target, newest), {}, *held};
}

awaitable<registry_client::mount_result> registry_client::mount_blob(const std::string& repo, const std::string& digest,
                                                                     const std::string& from_repo,
                                                                     retry_budget* within) {
  co_await ensure_repository(repo);
  auto scopes = merge_scopes(push_scope(repo), pull_scope(from_repo));
  request mount{.verb = http::verb::post,
                .url = url("/v2/" + repo + "/blobs/uploads/?mount=" + escape_digest(digest) + "&from=" + from_repo),
                .scopes = scopes,
                .within = within};
  auto res = co_await call(std::move(mount));
  const unsigned st = res.result_int();
  if (st == 201) co_return mount_result{true, std::nullopt};
  if (st == 202)
    co_return mount_result{
        false, upload_session{std::string(res[http::field::location]), std::string(res["OCI-Chunk-Min-Length"])}};
  if (st == 401 || st == 403 || st == 404 || st == 405) co_return mount_result{};
  fail(res, "push blob " + digest + " to " + repo + " (mount from " + from_repo + ")");
}

awaitable<string_response> registry_client::stream_to(http::verb verb, const std::string& target,
                                                      const scope_set& scopes, std::uint64_t length,
                                                      http_client::chunk_source body,
                                                      const std::string& content_range) {
  http::request<http::empty_body> head{verb, "", 11};
  head.set(http::field::content_type, "application/octet-stream");
  if (!content_range.empty()) head.set(http::field::content_range, content_range);
  // Credentials are only attached when the Location stays on the registry's own origin.
  if (credentials_allowed(target, base_))
    if (auto a = co_await auth_.authorization(name_, scopes); !a.empty()) head.set(http::field::authorization, a);
  const auto sent_at = std::chrono::steady_clock::now();
  auto res = co_await http_.upload(target, std::move(head), length, std::move(body));
  assess(verb, res.result_int(), std::chrono::steady_clock::now() - sent_at);
  co_return res;
}

awaitable<void> registry_client::patch_all(upload_state& up, http_client::chunk_source& next, const scope_set& scopes,
                                           const std::string& what, const upload_journal& journal) {
  chunk_splitter splitter{next, {}};
  while (!up.complete()) {
    std::uint64_t remaining = up.next_length();
    http_client::chunk_source piece = [&]() -> awaitable<std::span<const char>> {
      if (remaining == 0) co_return std::span<const char>{};
      auto s = co_await splitter.take(remaining);
      if (s.empty()) throw error(errc::digest_mismatch, what + ": the source ended before its declared size");
      remaining -= s.size();
      co_return s;
    };
    auto res =
        co_await stream_to(http::verb::patch, up.location(), scopes, up.next_length(), piece, up.content_range());
    const std::string at = " (PATCH at offset " + std::to_string(up.offset()) + ")";
    switch (up.on_patched(res.result_int(), res[http::field::location], res[http::field::range])) {
      case upload_state::verdict::ok:
        break;
      case upload_state::verdict::bad_status:
        fail(res, what + at);
      case upload_state::verdict::bad_location:
        throw error(errc::protocol, "registry " + name_ + " answered an invalid Location" + at + " for " + what);
      case upload_state::verdict::bad_range:
        throw error(errc::protocol, "registry " + name_ + " holds Range " + std::string(res[http::field::range]) +
                                        " after" + at + ", not what was sent, for " + what);
    }
    if (journal && !up.complete()) co_await journal(up.location(), up.offset());
  }
}

awaitable<void> registry_client::push_blob(const std::string& repo, const std::string& digest, std::uint64_t size,
                                           http_client::chunk_source next, const upload_options& opts,
                                           std::optional<upload_session> session, const upload_journal& journal,
                                           retry_budget* within) {
  const auto scopes = push_scope(repo);
  const std::string what = "push blob " + digest + " to " + repo;
  if (!session) session = co_await start_upload(repo, within);
  const auto how = uploads(opts);  // this registry family's strategy
  upload_state up(size, how.monolithic_max, how.chunk_size);
  if (up.on_started(202, url("/v2/" + repo + "/blobs/uploads/"), session->location, session->chunk_min) !=
      upload_state::verdict::ok)
    throw error(errc::protocol, "registry " + name_ + " started an upload without a valid Location (" + what + ")");
  if (session->offset) up.resume_at(session->offset);
  std::exception_ptr failed;
  try {
    if (up.monolithic()) {
      auto res = co_await stream_to(http::verb::put, up.commit_url(digest), scopes, size, next);
      if (res.result_int() != 201) fail(res, what);
      co_return;
    }
    co_await patch_all(up, next, scopes, what, journal);
    // The producer has verified the digest before it handed over its last bytes; only now commit it.
    if (!(co_await next()).empty())
      throw error(errc::digest_mismatch, "source of blob " + digest + " is longer than its declared size");
    request commit{.verb = http::verb::put, .url = up.commit_url(digest), .scopes = scopes, .within = within};
    auto res = co_await call(std::move(commit));
    if (res.result_int() != 201) fail(res, what + " (final PUT)");
    co_return;
  } catch (...) {
    failed = std::current_exception();
  }
  // Abandon the session so the registry frees it; failure to do so changes nothing for correctness.
  try {
    request cancel{.verb = http::verb::delete_, .url = up.location(), .scopes = scopes, .within = within};
    co_await call(std::move(cancel));
  } catch (...) {}
  std::rethrow_exception(failed);
}

}  // namespace ocimirror::transfer
