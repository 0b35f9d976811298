#pragma once
// What the clouds' token services answer, read the one way: the token and when it expires (seconds from now as a
// number or a string, an epoch, or an RFC 3339 time, as each service writes it), their errors as one printable
// line, and whether an endpoint named by the environment or a file may be sent a secret at all. Pure.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ocimirror::transfer::identity {

using clock = std::chrono::system_clock;

/// A token and its expiry.
struct timed_token {
  std::string value;
  clock::time_point expires;
};

/// The token at `field` of a JSON answer, and its expiry from the first of `expires_in`, `expires_on`,
/// `expireTime`, `expires_at`, `Expiration`, `expiration` that is there (else now + 1 h), kept within
/// [now, now + 24 h]. Throws error(protocol) "WHAT answered ..." when the answer is not JSON, has no such string,
/// or the token cannot be sent as a header value.
timed_token token_of(std::string_view body, std::string_view field, clock::time_point now, const std::string& what);

/// Seconds since the epoch of an RFC 3339 UTC time ("2026-12-07T21:00:00Z", fractions and offsets allowed).
std::optional<std::int64_t> rfc3339_seconds(std::string_view text);
/// "2026-12-07T21:00:00Z".
std::string rfc3339(clock::time_point t);

/// An OAuth2 or cloud error answer as one line ("invalid_client: AADSTS7000215: Invalid client secret"), at most
/// 300 bytes, printable; the status alone when the body says nothing readable.
std::string error_of(unsigned status, std::string_view body);

/// The metadata services the clouds serve over plain HTTP inside the host, each with its own addresses (the
/// SDKs' allow-lists: an AWS container token never goes to Google's name, which DNS resolves).
enum class metadata_service {
  none,
  aws_container,  ///< 169.254.170.2, 169.254.170.23, fd00:ec2::23
  aws_imds,       ///< 169.254.169.254, fd00:ec2::254
  azure,          ///< 169.254.169.254
  google,         ///< metadata.google.internal, 169.254.169.254
};

/// Why a URL named by `named` (a variable, a file's field) must not be sent a credential, or nullopt when it may:
/// https anywhere; http only on loopback (a test's stand-in) or on `service`'s own link-local addresses.
std::optional<std::string> endpoint_problem(std::string_view url, std::string_view named,
                                            metadata_service service = metadata_service::none);

/// Why a cloud identity's credentials must not go to `registry` at `origin`: it is spoken to over plain HTTP off
/// the host. nullopt for https and loopback.
std::optional<std::string> plain_http_refusal(const std::string& registry, const std::string& origin);

/// application/x-www-form-urlencoded value (RFC 3986 unreserved kept, everything else %XX).
std::string form_value(std::string_view s);

}  // namespace ocimirror::transfer::identity
