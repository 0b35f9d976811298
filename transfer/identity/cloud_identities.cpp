#include "transfer/identity/cloud_identities.hpp"

#include "transfer/oci/errors.hpp"

namespace ocimirror::transfer {

namespace {
http_options metadata_options(const http_options& base) {
  http_options o = base;
  o.connect_timeout = std::min(o.connect_timeout, std::chrono::milliseconds(1'000));
  o.io_timeout = std::min(o.io_timeout, std::chrono::milliseconds(10'000));
  o.request_deadline = std::chrono::milliseconds(30'000);
  o.proxy_for = nullptr;  // the metadata services are on the host's own link: never through a proxy
  o.tls_for = nullptr;
  return o;
}
}  // namespace

cloud_identities::cloud_identities(asio::any_io_executor ex, http_client& http, const http_options& base,
                                   env_lookup_fn env, file_read_fn read)
    : metadata_(ex, metadata_options(base)),
      ecr_(http, metadata_, env, read),
      azure_(http, metadata_, env, read),
      google_(http, metadata_, env, read),
      github_(http, env, read) {}

awaitable<std::optional<authenticator::timed_credentials>> cloud_identities::for_registry(const std::string& registry,
                                                                                          std::string_view profile,
                                                                                          const std::string& origin,
                                                                                          bool refused) {
  if (refused) {  // nothing kept on the way may be answered again
    ecr_.forget();
    azure_.forget();
    github_.forget();
  }
  const bool cloud = profile == "ecr" || profile == "acr" || profile == "gar" || profile == "ghcr";
  if (!cloud) co_return std::nullopt;
  // An identity opens more than one registry: never over plain HTTP, whatever `tls: disabled` says (loopback, a
  // test's stand-in, aside).
  if (auto why = identity::endpoint_problem(origin, "registry " + registry + " (tls: disabled)"))
    throw error(errc::tls, *why + "; a cloud identity's credentials are sent only over HTTPS");
  if (profile == "ecr") {
    auto token = co_await ecr_.authorization(registry);
    if (!token) co_return std::nullopt;
    co_return authenticator::timed_credentials{std::move(token->creds), token->expires};
  }
  if (profile == "acr") co_return co_await azure_.acr(registry, origin);
  if (profile == "gar") co_return co_await google_.registry_credentials();
  if (profile == "ghcr") co_return co_await github_.registry_credentials();
  co_return std::nullopt;
}

}  // namespace ocimirror::transfer
