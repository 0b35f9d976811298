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
  std::optional<authenticator::timed_credentials> got;
  if (profile == "ecr") {
    auto token = co_await ecr_.authorization(registry);
    if (token) got = authenticator::timed_credentials{std::move(token->creds), token->expires};
  } else if (profile == "acr") {
    got = co_await azure_.acr(registry, origin);  // refuses a plain-HTTP origin itself, before the exchange
  } else if (profile == "gar") {
    got = co_await google_.registry_credentials();
  } else if (profile == "ghcr") {
    got = co_await github_.registry_credentials();
  }
  // An identity opens more than one registry: what it bought never goes over plain HTTP, whatever `tls: disabled`
  // says (loopback, a test's stand-in, aside).
  if (got)
    if (auto why = identity::plain_http_refusal(registry, origin)) throw error(errc::tls, *why);
  co_return got;
}

}  // namespace ocimirror::transfer
