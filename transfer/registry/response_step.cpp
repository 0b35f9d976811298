#include "transfer/registry/response_step.hpp"

#include "transfer/net/headers.hpp"
#include "transfer/net/retry.hpp"

#include <boost/json.hpp>

namespace ocimirror::transfer {

bool credentials_allowed(std::string_view url, std::string_view base) {
  const auto origin = url_origin(url);
  return !origin.empty() && origin == url_origin(base);
}

bool is_redirect(unsigned s) { return s == 301 || s == 302 || s == 303 || s == 307 || s == 308; }

bool is_registry_error_body(std::string_view body) {
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (ec || !doc.is_object()) return false;
  const auto* errors = doc.as_object().if_contains("errors");
  if (!errors || !errors->is_array() || errors->as_array().empty()) return false;
  const auto& first = errors->as_array().front();
  return first.is_object() && first.as_object().contains("code");
}

response_action decide(const response_facts& f, const response_budget& b) {
  const unsigned s = f.status;
  if (s == 200 || (s == 206 && f.ranged)) return response_action::accept;
  if (f.follows_redirects && is_redirect(s)) return response_action::follow_redirect;
  // A 401 from somewhere else (a redirect target) is not answered with our credentials.
  if (s == 401 && f.own_origin && !f.token_refused && b.auth_tries < response_budget::max_auth_tries)
    return response_action::reauthenticate;
  if (retryable_status(s) && b.may_retry) return response_action::back_off;
  return response_action::give_up;
}

}  // namespace ocimirror::transfer
