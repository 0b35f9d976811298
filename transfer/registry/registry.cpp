#include "transfer/registry/registry.hpp"

#include "transfer/registry/response_step.hpp"

#include "transfer/net/headers.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/reference.hpp"

#include <exception>
#include <utility>

namespace ocimirror::transfer {

namespace {

// One attempt of a request: its result, or nullopt after the wait before the next when it broke in a way worth
// another attempt and `tries` (with the budgets around it) allows one.
template <class T, class Op>
awaitable<std::optional<T>> once_or_retry(registry_client& rc, retry_budget& tries, Op& op) {
  std::optional<T> out;
  std::exception_ptr broken;
  try {
    out.emplace(co_await op());
  } catch (const error& e) {
    if (!retryable(e.code())) throw;
    broken = std::current_exception();
  }
  if (!broken) co_return out;
  const bool again = co_await rc.retry(tries);
  if (!again) std::rethrow_exception(broken);
  co_return out;
}

}  // namespace

registry_client::registry_client(http_client& http, authenticator& auth, std::string name, std::string api_host,
                                 bool plain_http, std::size_t max_concurrency, retry_policy retry)
    : http_(http),
      auth_(auth),
      name_(std::move(name)),
      base_((plain_http ? "http://" : "https://") + api_host),
      adaptive_(max_concurrency),
      retry_(name_, retry, http_.options().stop) {}

void registry_client::seen(http::verb verb, unsigned status, std::chrono::steady_clock::duration elapsed) {
  ++counters_.requests;
  if (observer_) observer_(name_, {http::to_string(verb), status, std::chrono::duration<double>(elapsed).count()});
}

bool registry_client::assess(http::verb verb, unsigned status, std::chrono::steady_clock::duration elapsed,
                             std::optional<adaptive_limit::duration> took) {
  seen(verb, status, elapsed);
  if (status == 429) ++counters_.throttled;
  if (status == 429 || status == 503)
    adaptive_.throttled();
  else if (status < 400 && took)
    adaptive_.answered(*took);
  else if (status < 400)
    adaptive_.succeeded();
  limit_.wake();
  requests_.wake();
  return retryable_status(status);
}

void registry_client::fail(const string_response& res, const std::string& what) const {
  const unsigned status = res.result_int();
  std::string msg = "registry " + name_ + ": " + what + ": " + describe_registry_error(status, res.body());
  const std::string& body = res.body();
  const auto& hints = http_.options().hints;
  // Go's TLS server answers plain HTTP with an HTTP/1.0 400 whose body says so (a HEAD drops the body, not the 1.0).
  const bool https_port = https_port_answer(status, body) ||
                          (status == 400 && res.version() == 10 && body.empty() && base_.starts_with("http://"));
  if (https_port) throw error(errc::tls, "registry " + name_ + ": " + what + ": " + hints.go_tls(name_));
  if (status == 401)
    msg += auth_.has_credentials(name_) ? " (the credentials were rejected; check the username and password)"
                                        : " (no credentials for " + name_ + "; " + hints.login(name_) + ")";
  else if (body.find("NAME_UNKNOWN") != std::string::npos && what.starts_with("push"))
    msg += profile_->repositories_must_exist
               ? " (" + std::string(profile_->family) +
                     " needs the repository to exist before a push: set `create_repositories: true` under "
                     "registries." +
                     name_ +
                     ", create it (`aws ecr create-repository`), or enable create-on-push "
                     "repository templates)"
               : std::string(" (the repository must exist first or the registry must create it on push)");
  else if (what.starts_with("push blob") && profile_->name == "generic" &&
           (status == 413 || status == 416 || body.find("UNSUPPORTED") != std::string::npos))
    msg +=
        " (the registry refuses this upload's shape: if it is a registry family docs/registries.md \"Registry "
        "families\" lists, under another host name, set " +
        (hints.config ? "`profile:` under registries.\"" + name_ + "\"" : "--registry-profile " + name_ + "=FAMILY") +
        ")";
  else if (status == 403 || body.find("DENIED") != std::string::npos)
    msg += " (the credentials lack the rights this needs" + std::string(what.starts_with("push") ? ": push" : "") + ")";
  throw error(errc_from_status(status), msg);
}

awaitable<string_response> registry_client::call(request r) {
  const std::string& target = r.url;
  const scope_set& scopes = r.scopes;
  const std::string& body = r.body;
  // Credentials go only to the registry itself, never to another origin a Location pointed at.
  const bool own_origin = credentials_allowed(target, base_);
  // What each response leads to is decided by the pure decide() (response_step.hpp); this loop carries it out.
  retry_budget tries(budget_kind::request, policy().request, r.within);
  for (int auth_tries = 0;;) {
    http::request<http::string_body> req{r.verb, "", 11};
    if (!r.accept.empty()) req.set(http::field::accept, r.accept);
    if (!r.content_type.empty()) req.set(http::field::content_type, r.content_type);
    if (own_origin)
      if (auto a = co_await auth_.authorization(name_, scopes); !a.empty()) req.set(http::field::authorization, a);
    req.body() = body;
    std::optional<adaptive_limit::duration> took;
    std::chrono::steady_clock::duration elapsed{};
    auto send = [&]() -> awaitable<string_response> {
      auto permit = co_await requests_.acquire();  // held for the exchange alone: nothing nests inside it
      const auto sent_at = std::chrono::steady_clock::now();
      auto res = co_await http_.send(target, std::move(req), r.limit);
      elapsed = std::chrono::steady_clock::now() - sent_at;
      if (body.empty())  // a body's time is its bytes, not a queue
        took = std::chrono::duration_cast<adaptive_limit::duration>(elapsed);
      co_return res;
    };
    auto sent = co_await once_or_retry<string_response>(*this, tries, send);
    if (!sent) continue;
    auto& res = *sent;
    read_rate(res);
    response_facts facts{res.result_int(), own_origin};
    auto act = decide(facts, {auth_tries, tries.left() > 0});
    if (act == response_action::reauthenticate) {
      ++auth_tries;
      const std::string challenge = co_await challenge_of(res[http::field::www_authenticate]);
      if (co_await auth_.on_unauthorized(name_, scopes, challenge)) continue;
      facts.token_refused = true;
      act = decide(facts, {auth_tries, tries.left() > 0});
    }
    assess(r.verb, res.result_int(), elapsed, took);
    if (act == response_action::back_off) {
      co_await retry(tries, res[http::field::retry_after]);  // decide() saw a retry left: this one is granted
      continue;
    }
    co_return std::move(res);  // accepted, or given up on: the caller reads the status
  }
}

awaitable<std::string> registry_client::challenge_of(std::string_view header) {
  if (!header.empty()) co_return std::string(header);
  // gcr.io answers 401 without WWW-Authenticate (REGISTRIES.md, Others): the API root's challenge says how to
  // authenticate. Asked without credentials, once per such 401; an answer without one changes nothing.
  http::request<http::string_body> req{http::verb::get, "", 11};
  auto root = co_await http_.send(url("/v2/"), std::move(req), 1 << 16);
  co_return std::string(root[http::field::www_authenticate]);
}

awaitable<void> registry_client::ping() {
  request root{.verb = http::verb::get, .url = url("/v2/")};
  auto res = co_await call(std::move(root));
  if (res.result_int() != 200) fail(res, "API check GET /v2/");
}

awaitable<void> registry_client::require_registry() {
  if (!std::exchange(registry_checked_, true)) {
    std::optional<string_response> res;
    try {
      request root{.verb = http::verb::get, .url = url("/v2/"), .limit = 1 << 16};
      res = co_await call(std::move(root));
    } catch (const error&) {
      // unknown: the 404 speaks for itself
    }
    if (res) {
      const unsigned st = res->result_int();
      const std::string type((*res)[http::field::content_type]);
      const bool api = !(*res)["Docker-Distribution-API-Version"].empty();
      if (!api && ((st != 200 && st != 401) || type.starts_with("text/html")))
        not_registry_ =
            "GET " + base_ + "/v2/ answered " + std::to_string(st) + (type.empty() ? "" : " " + printable(type, 60));
    }
  }
  if (!not_registry_.empty())
    throw error(errc::protocol, name_ + " is not an OCI registry: " + not_registry_ +
                                    " (a web server or proxy? the registry may be at another host or port)");
}

awaitable<std::optional<std::uint64_t>> registry_client::blob_size(const std::string& repo, const std::string& digest,
                                                                   retry_budget* within) {
  request head{.verb = http::verb::head,
               .url = url("/v2/" + repo + "/blobs/" + digest),
               .scopes = pull_scope(repo),
               .limit = 0,
               .within = within};
  auto res = co_await call(std::move(head));
  if (res.result_int() == 404) co_return std::nullopt;
  if (is_redirect(res.result_int())) co_return std::optional<std::uint64_t>{0};  // served from storage: it exists
  if (res.result_int() != 200) fail(res, "HEAD blob " + repo + "@" + digest);
  co_return parse_content_length(res[http::field::content_length]).value_or(0);
}

awaitable<std::unique_ptr<body_stream>> registry_client::get_blob(const std::string& repo, const std::string& digest,
                                                                  std::uint64_t offset,
                                                                  std::optional<std::uint64_t> end,
                                                                  retry_budget* within) {
  std::string target = url("/v2/" + repo + "/blobs/" + digest);
  const auto scopes = pull_scope(repo);
  retry_budget tries(budget_kind::request, policy().request, within);
  for (int hops = 0, auth_tries = 0; hops < 6;) {
    http::request<http::empty_body> req{http::verb::get, "", 11};
    if (offset > 0 || end)
      req.set(http::field::range, "bytes=" + std::to_string(offset) + "-" + (end ? std::to_string(*end - 1) : ""));
    const bool own_origin = credentials_allowed(target, base_);
    if (own_origin)
      if (auto a = co_await auth_.authorization(name_, scopes); !a.empty()) req.set(http::field::authorization, a);
    auto open = [&] { return http_.open(target, std::move(req)); };
    const auto opened_at = std::chrono::steady_clock::now();
    auto opened = co_await once_or_retry<std::unique_ptr<body_stream>>(*this, tries, open);
    const auto elapsed = std::chrono::steady_clock::now() - opened_at;
    if (!opened) continue;
    auto stream = std::move(*opened);
    const unsigned status = stream->status();
    response_facts facts{status, own_origin, true, offset > 0 || end.has_value()};
    auto act = decide(facts, {auth_tries, tries.left() > 0});
    if (act == response_action::accept || act == response_action::follow_redirect)
      seen(http::verb::get, status, elapsed);  // the transfer's own permit and limit account for its bytes
    if (act == response_action::accept) co_return stream;
    if (act == response_action::follow_redirect) {
      auto next = resolve_url(target, std::string(stream->headers()[http::field::location]));
      if (next.empty())
        throw error(errc::protocol, "registry " + name_ + " redirected blob " + digest + " to an invalid location");
      target = std::move(next);
      ++hops;
      continue;
    }
    std::string body = co_await stream->read_all(1 << 16);
    if (act == response_action::reauthenticate) {
      ++auth_tries;
      const std::string challenge = co_await challenge_of(stream->headers()[http::field::www_authenticate]);
      if (co_await auth_.on_unauthorized(name_, scopes, challenge)) continue;
      facts.token_refused = true;
      act = decide(facts, {auth_tries, tries.left() > 0});
    }
    assess(http::verb::get, status, elapsed);
    if (act == response_action::back_off) {
      co_await retry(tries, stream->headers()[http::field::retry_after]);
      continue;
    }
    string_response res{static_cast<http::status>(status), 11};
    res.body() = std::move(body);
    if (status == 404) throw error(errc::not_found, "blob " + name_ + "/" + repo + "@" + digest + " not found");
    fail(res, "GET blob " + repo + "@" + digest);
  }
  throw error(errc::protocol, "registry " + name_ + ": too many redirects for blob " + digest);
}

}  // namespace ocimirror::transfer
