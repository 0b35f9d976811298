#pragma once
// Registry references "host[:port]/repo[:tag][@sha256:hex]": parsing and validation, no I/O.
#include "transfer/oci/errors.hpp"

#include <boost/system/result.hpp>

#include <string>
#include <string_view>

namespace ocimirror::transfer {

struct reference {
  std::string registry;    ///< as written: "ghcr.io", "localhost:5000", "[::1]:5000"
  std::string repository;  ///< "acme/app" (docker.io single names gain "library/")
  std::string tag;         ///< empty when not given
  std::string digest;      ///< empty when not given; validated sha256 otherwise

  /// The host API requests go to (docker.io is served by registry-1.docker.io).
  std::string api_host() const;
  /// The digest if there is one, else the tag: what goes after /manifests/.
  const std::string& target() const { return digest.empty() ? tag : digest; }
  /// Canonical text: registry/repository[:tag][@digest].
  std::string str() const;
};

/// A parse failure: what is wrong, for a message that also quotes the input.
struct reference_error {
  errc code;
  std::string what;
};

/// Parses a full reference. The registry part is mandatory: ocimirror never guesses a default registry.
boost::system::result<reference, reference_error> parse_reference(std::string_view text);
/// Parses "host/repo" (no tag, no digest): what `tags` and policies name.
boost::system::result<reference, reference_error> parse_repository(std::string_view text);

bool is_valid_repository(std::string_view name) noexcept;
bool is_valid_tag(std::string_view tag) noexcept;

}  // namespace ocimirror::transfer
