// registry_client's manifest reads: a HEAD that falls back to the body's own digest when the registry announces
// none, and a GET that fetches again (within the re-fetch budget) a body that arrived whole but is not what was
// asked for: another digest, or not JSON.
#include "transfer/net/headers.hpp"
#include "transfer/net/trace.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/manifest.hpp"
#include "transfer/registry/registry.hpp"
#include "transfer/registry/response_step.hpp"

#include <boost/json.hpp>

namespace ocimirror::transfer {
namespace json = boost::json;

awaitable<std::optional<manifest_head>> registry_client::head_manifest(const std::string& repo,
                                                                       const std::string& target) {
  request head{.verb = http::verb::head,
               .url = url("/v2/" + repo + "/manifests/" + target),
               .scopes = pull_scope(repo),
               .accept = std::string(media::accept_all),
               .limit = 0};
  auto res = co_await call(std::move(head));
  if (res.result_int() == 404) co_return std::nullopt;
  if (res.result_int() != 200) fail(res, "HEAD manifest " + repo + ":" + target);
  manifest_head h;
  h.digest = std::string(res["Docker-Content-Digest"]);
  h.media_type = std::string(res[http::field::content_type]);
  h.size = parse_content_length(res[http::field::content_length]).value_or(0);
  if (target.starts_with("sha256:") && h.digest.empty()) h.digest = target;
  if (!is_valid_digest(h.digest)) {
    // No (or a malformed) Docker-Content-Digest: the digest is what the bytes hash to. Without this, a tag would
    // never match what the cache recorded and be copied again on every run.
    auto m = co_await get_manifest(repo, target);
    h = manifest_head{m.digest, m.media_type, m.bytes.size()};
  }
  co_return h;
}

namespace {
/// Why a manifest body that arrived whole cannot be what the registry meant to send, or empty when it can be.
/// expected: the digest asked for, or the one the registry announced (Docker-Content-Digest).
std::string corrupt_manifest(const fetched_manifest& m, const std::string& expected) {
  if (!expected.empty() && m.digest != expected) return "has digest " + m.digest + ", not " + expected;
  boost::system::error_code ec;
  auto doc = json::parse(m.bytes, ec);
  if (ec || !doc.is_object()) return "is not a JSON object";
  return {};
}
}  // namespace

// A body cut short fails in the HTTP layer and is retried there; one that arrived whole but does not match its
// digest or is not JSON (bytes flipped on the way) is fetched again here, within the re-fetch budget.
awaitable<fetched_manifest> registry_client::get_manifest(const std::string& repo, const std::string& target) {
  const bool by_digest = target.starts_with("sha256:");
  const std::string where = name_ + "/" + repo + (by_digest ? "@" : ":") + target;
  std::string previous;  // the last body's digest: a registry that consistently announces another one is believed
  retry_budget refetches(budget_kind::refetch, policy().refetch);
  for (;;) {
    string_response res;
    rate_pacer::attempt counted{pacer_};  // counted as sent from when pace() lets it go until it ends
    co_await pace(counted);               // manifest GETs are what registries count (Docker Hub: HEAD does not)
    try {
      request get{.verb = http::verb::get,
                  .url = url("/v2/" + repo + "/manifests/" + target),
                  .scopes = pull_scope(repo),
                  .accept = std::string(media::accept_all),
                  .limit = max_manifest_pull};
      res = co_await call(std::move(get));
    } catch (const error& e) {
      if (e.code() != errc::too_large) throw;
      throw error(errc::too_large, "manifest " + where + " is larger than the " +
                                       std::to_string(max_manifest_pull >> 20) + " MiB ocimirror accepts");
    }
    if (res.result_int() == 404) {
      if (!is_registry_error_body(res.body())) co_await require_registry();
      throw error(errc::not_found,
                  "manifest " + where + " not found (" + describe_registry_error(404, res.body()) + ")");
    }
    if (res.result_int() != 200) fail(res, "GET manifest " + where);
    fetched_manifest m;
    m.bytes = std::move(res.body());
    m.media_type = std::string(res[http::field::content_type]);
    m.digest = sha256_digest(m.bytes);
    std::string announced(res["Docker-Content-Digest"]);
    if (!is_valid_digest(announced) || m.digest == previous) announced.clear();
    const auto why = corrupt_manifest(m, by_digest ? target : announced);
    if (why.empty()) co_return m;
    if (trace::enabled()) trace::emit("refetch", {{"registry", name_}, {"what", "manifest " + repo}, {"why", why}});
    previous = m.digest;
    const bool again = co_await retry(refetches);
    if (!again)
      throw error(
          by_digest || !announced.empty() ? errc::digest_mismatch : errc::bad_manifest,
          "manifest " + where + " " + why + " in each of " + std::to_string(refetches.spent() + 1) + " fetches");
  }
}

}  // namespace ocimirror::transfer
