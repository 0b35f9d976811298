#pragma once
// What the registry client does with one response, decided apart from the I/O that produced it (as upload_state
// decides an upload's next step): accept it, follow a redirect (without credentials), fetch a token and ask again,
// back off and ask again, or give up. registry.cpp's request loops only carry the decision out. Pure.
#include <string_view>

namespace ocimirror::transfer {

/// Credentials go only to the registry itself: true when `url` has the origin (scheme, host, port) of `base`.
/// A redirect to a CDN or a storage bucket, or a URL that does not parse, gets none.
bool credentials_allowed(std::string_view url, std::string_view base);

/// 301, 302, 303, 307 or 308.
bool is_redirect(unsigned status);

/// Whether a body is the distribution spec's error document ({"errors": [{"code": ...}, ...]}): a 404 that carries
/// one comes from a registry (a missing repository or manifest), one that does not may be a web server's.
bool is_registry_error_body(std::string_view body);

enum class response_action { accept, follow_redirect, reauthenticate, back_off, give_up };

struct response_facts {
  unsigned status = 0;
  bool own_origin = true;          ///< the request went to the registry itself (it carried credentials)
  bool follows_redirects = false;  ///< the caller follows 3xx itself (blob GETs); otherwise 3xx is an answer
  bool ranged = false;             ///< a Range was asked for: 206 is the success
  bool token_refused = false;      ///< reauthenticate was tried for this response and brought no new credentials
};

struct response_budget {
  static constexpr int max_auth_tries = 2;  ///< a registry that keeps answering 401 to fresh tokens: give up
  int auth_tries = 0;                       ///< reauthentications so far in this request
  bool may_retry = true;                    ///< the request's retry budget (and those around it) has one left
};

/// The next step for one response. give_up: the caller returns the response as it is, or reports it as the error.
response_action decide(const response_facts& f, const response_budget& b);

}  // namespace ocimirror::transfer
