#pragma once
// One request to a token service, the same for every cloud: the answer read whole up to 1 MiB, a failure named
// as that service's (never with the secret it was sent), and the token read from a 2xx answer.
#include "transfer/identity/token_answer.hpp"
#include "transfer/net/http.hpp"

#include <string>
#include <string_view>

namespace ocimirror::transfer::identity {

/// A POST of an application/x-www-form-urlencoded body.
http::request<http::string_body> form_post(std::string body);
/// A GET with the given headers.
http::request<http::string_body> get_with(std::initializer_list<std::pair<std::string_view, std::string>> headers);

/// Sends req to url; `what` names the service in errors ("Azure AD token endpoint at https://…").
awaitable<string_response> call(http_client& http, const std::string& what, const std::string& url,
                                http::request<http::string_body> req);

/// The token at `field` of a 2xx answer; otherwise throws naming `what`, `source` (where the identity came from) and
/// the service's own error: errc::unauthorized for 400, 401 and 403 (a refused identity), else by status.
timed_token token_from(const string_response& res, std::string_view field, const std::string& what,
                       const std::string& source);

/// Whether an error is a connection that could not be made at all (no metadata service on this host).
bool unreachable(const std::exception_ptr& e);

}  // namespace ocimirror::transfer::identity
