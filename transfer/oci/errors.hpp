#pragma once
// transfer::errc: every way a registry operation can fail, and the exception that carries one with a message a
// person can act on. Pure parsers return boost::system::result; coroutine I/O paths throw transfer::error.
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

namespace ocimirror::transfer {

enum class errc {
  ok = 0,
  bad_reference,    ///< a reference or repository name that does not parse
  bad_digest,       ///< a digest string that is not sha256:<64 lowercase hex>
  bad_manifest,     ///< manifest bytes that are not a JSON manifest or index we understand
  digest_mismatch,  ///< bytes whose SHA-256 (or size) differs from the digest that names them
  too_large,        ///< a manifest or response over its size cap
  not_found,        ///< manifest, tag, blob or repository unknown to the registry (404)
  unauthorized,     ///< credentials missing or rejected (401)
  denied,           ///< authenticated but not allowed (403, DENIED)
  throttled,        ///< 429 TOOMANYREQUESTS
  server_error,     ///< 5xx from the registry
  protocol,         ///< an answer the OCI distribution spec does not allow
  network,          ///< DNS, connect or a broken connection
  tls,              ///< a TLS handshake refused (certificate not trusted, protocol mismatch): not worth retrying
  timeout,          ///< a step passed its deadline
  io,               ///< local file or process failure
  bad_archive,      ///< an OCI layout or tar that is malformed, truncated, incomplete or tries to leave its root
  cancelled,        ///< stopped before it finished because the process is shutting down (resumed next time)
};

const std::error_category& transfer_category() noexcept;
/// The kind's stable name ("digest_mismatch", "throttled"...): what reports, logs and metric labels carry.
std::string_view errc_name(errc e) noexcept;
inline std::error_code make_error_code(errc e) noexcept { return {static_cast<int>(e), transfer_category()}; }

/// An operation failed; what() is one line naming the registry, repository or reference at fault.
class error : public std::runtime_error {
 public:
  error(errc code, const std::string& message) : std::runtime_error(message), code_(code) {}
  errc code() const noexcept { return code_; }

 private:
  errc code_;
};

/// Maps an HTTP status from a registry to the error kind it means.
errc errc_from_status(unsigned status) noexcept;

/// text with every byte outside printable ASCII written as \xNN, and cut at `max` bytes: what a registry said,
/// safe to put in a message, a log line or a terminal.
std::string printable(std::string_view text, std::size_t max = 200);

/// Turns a registry error body ({"errors":[{"code","message","detail"}]}) into "CODE: message" text, or the
/// status line when the body is not such a document. Never includes headers (they may carry credentials).
std::string describe_registry_error(unsigned status, std::string_view body);

}  // namespace ocimirror::transfer

template <>
struct std::is_error_code_enum<ocimirror::transfer::errc> : std::true_type {};
