#pragma once
// The exit codes every command documents (README "Exit codes"), and which one a failure's kind ends a command with.
// The program's, not the run's: daemon/run reports failures as transfer::errc, and the command line and the
// service turn them into these.
#include "transfer/oci/errors.hpp"

namespace ocimirror::daemon {

enum exit_code : int {
  exit_ok = 0,
  exit_failed = 1,     ///< a registry or protocol failure not covered below
  exit_usage = 2,      ///< bad arguments or a malformed reference
  exit_not_found = 3,  ///< manifest, tag, repository or blob unknown
  exit_auth = 4,       ///< credentials missing or rejected, or access denied
  exit_network = 5,    ///< DNS, connect, TLS or timeout
  exit_integrity = 6,  ///< digest or size mismatch, invalid or oversized manifest
};

inline int exit_code_for(transfer::errc e) {
  using transfer::errc;
  switch (e) {
    case errc::bad_reference:
      return exit_usage;
    case errc::not_found:
      return exit_not_found;
    case errc::unauthorized:
    case errc::denied:
      return exit_auth;
    case errc::network:
    case errc::tls:
    case errc::timeout:
      return exit_network;
    case errc::bad_digest:
    case errc::bad_manifest:
    case errc::bad_archive:
    case errc::digest_mismatch:
    case errc::too_large:
      return exit_integrity;
    default:
      return exit_failed;
  }
}

}  // namespace ocimirror::daemon
