#include "transfer/identity/call.hpp"

#include "transfer/oci/errors.hpp"

namespace ocimirror::transfer::identity {

http::request<http::string_body> form_post(std::string body) {
  http::request<http::string_body> req{http::verb::post, "", 11};
  req.set(http::field::content_type, "application/x-www-form-urlencoded");
  req.set(http::field::accept, "application/json");
  req.body() = std::move(body);
  return req;
}

http::request<http::string_body> get_with(std::initializer_list<std::pair<std::string_view, std::string>> headers) {
  http::request<http::string_body> req{http::verb::get, "", 11};
  for (const auto& [k, v] : headers) req.set(k, v);
  return req;
}

awaitable<string_response> call(http_client& http, const std::string& what, const std::string& url,
                                http::request<http::string_body> req) {
  try {
    co_return co_await http.send(url, std::move(req), 1 << 20);
  } catch (const error& e) {
    if (e.code() != errc::too_large) throw error(e.code(), what + ": " + e.what());
  }
  throw error(errc::protocol, what + " answered more than 1 MiB; refused");
}

timed_token token_from(const string_response& res, std::string_view field, const std::string& what,
                       const std::string& source) {
  const unsigned status = res.result_int();
  if (status >= 200 && status < 300) return token_of(res.body(), field, clock::now(), what);
  const errc code = status == 400 || status == 401 || status == 403 ? errc::unauthorized : errc_from_status(status);
  throw error(code, what + " refused the identity from " + source + " (" + error_of(status, res.body()) + ")");
}

bool unreachable(const std::exception_ptr& e) {
  try {
    std::rethrow_exception(e);
  } catch (const error& x) {
    return x.code() == errc::network || x.code() == errc::timeout;
  } catch (...) {
    return false;
  }
}

}  // namespace ocimirror::transfer::identity
