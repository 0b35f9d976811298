#include "tests/support/fault_proxy.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>

namespace ocimirror::testing {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

std::uint64_t splitmix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

constexpr unsigned bit(fault_kind k) { return 1u << static_cast<unsigned>(k); }

constexpr const char* body_kinds[] = {"blob", "manifest", "tags", "catalog", "referrers", "other"};
std::size_t body_kind(const std::string& target) {
  if (target.find("/blobs/sha256:") != std::string::npos) return 0;
  if (target.find("/manifests/") != std::string::npos) return 1;
  if (target.find("/tags/list") != std::string::npos) return 2;
  if (target.find("/_catalog") != std::string::npos) return 3;
  if (target.find("/referrers/") != std::string::npos) return 4;
  return 5;
}

fault_proxy::response status_only(http::status st, std::string body) {
  fault_proxy::response res{st, 11};
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

}  // namespace

const char* fault_name(fault_kind k) {
  switch (k) {
    case fault_kind::throttle:
      return "429";
    case fault_kind::server_error:
      return "5xx";
    case fault_kind::reset:
      return "reset";
    case fault_kind::truncate:
      return "truncated";
    case fault_kind::flip:
      return "flipped";
    case fault_kind::drip:
      return "drip";
    case fault_kind::expired_token:
      return "401";
  }
  return "?";
}

unsigned applicable_faults(const loopback_server::request& req) {
  unsigned a = bit(fault_kind::throttle) | bit(fault_kind::server_error) | bit(fault_kind::reset);
  if (!req[http::field::authorization].empty()) a |= bit(fault_kind::expired_token);
  // Every GET body that carries content can be cut, dripped or garbled: blobs, manifests, tag lists, the catalog,
  // referrers. (Not the /v2/ ping, whose body nobody reads.)
  const std::string target(req.target());
  if (req.method() == http::verb::get && body_kind(target) < 5)
    a |= bit(fault_kind::truncate) | bit(fault_kind::drip) | bit(fault_kind::flip);
  return a;
}

std::optional<fault_kind> draw_fault(std::uint64_t seed, double rate, std::uint64_t n, unsigned applicable) {
  const std::uint64_t r = splitmix(seed * 0x100000001B3ull ^ n);
  if (static_cast<double>(r >> 11) / 9007199254740992.0 >= rate || applicable == 0) return std::nullopt;
  std::size_t choices[fault_kinds], count = 0;
  for (std::size_t k = 0; k < fault_kinds; ++k)
    if (applicable & (1u << k)) choices[count++] = k;
  return static_cast<fault_kind>(choices[splitmix(r) % count]);
}

fault_proxy::fault_proxy(std::string upstream_host, std::string upstream_port, rule r, rewrite w)
    : upstream_host_(std::move(upstream_host)),
      upstream_port_(std::move(upstream_port)),
      rule_(std::move(r)),
      rewrite_(std::move(w)),
      server_([this](request& req) {
        if (auto res = rule_(req)) {
          if (req.method() != http::verb::head) res->prepare_payload();
          return *res;
        }
        auto res = forward(req);
        if (rewrite_) rewrite_(req, res);
        return res;
      }) {}

fault_proxy::fault_proxy(std::string upstream_host, std::string upstream_port, chaos_settings chaos)
    : upstream_host_(std::move(upstream_host)),
      upstream_port_(std::move(upstream_port)),
      chaos_(chaos),
      rate_(chaos.rate),
      server_([this](request& req) { return this->chaos(req); }) {}

std::size_t fault_proxy::faults() const {
  std::size_t n = 0;
  for (const auto& f : faults_) n += f;
  return n;
}

std::string fault_proxy::flip_summary() const {
  std::string s;
  for (std::size_t k = 0; k < flips_.size(); ++k)
    s += (s.empty() ? "" : " ") + std::string(body_kinds[k]) + "=" + std::to_string(flips_[k]);
  return s;
}

std::string fault_proxy::fault_summary() const {
  std::string s;
  for (std::size_t k = 0; k < fault_kinds; ++k)
    s +=
        (s.empty() ? "" : " ") + std::string(fault_name(static_cast<fault_kind>(k))) + "=" + std::to_string(faults_[k]);
  return s;
}

fault_proxy::response fault_proxy::chaos(request& req) {
  const auto kind = draw_fault(chaos_.seed, rate_, requests_++, applicable_faults(req));
  if (!kind) return forward(req);
  ++faults_[static_cast<std::size_t>(*kind)];
  switch (*kind) {
    case fault_kind::throttle: {
      auto res = status_only(http::status::too_many_requests,
                             R"({"errors":[{"code":"TOOMANYREQUESTS","message":"rate limited by the fault proxy"}]})");
      res.set(http::field::retry_after, "1");
      return res;
    }
    case fault_kind::server_error: {
      static constexpr http::status kinds[] = {http::status::internal_server_error, http::status::bad_gateway,
                                               http::status::service_unavailable};
      return status_only(kinds[requests_ % 3], R"({"errors":[{"code":"UNKNOWN","message":"fault proxy"}]})");
    }
    case fault_kind::expired_token:
      req.erase(http::field::authorization);  // the registry answers 401 with its own challenge
      return forward(req);
    default:
      break;
  }
  if (*kind == fault_kind::reset && req.method() != http::verb::get) {  // before the registry saw it
    response res{http::status::ok, 11};
    res.set(loopback_server::reset_after, "-1");
    return res;
  }
  auto res = forward(req);
  const auto n = res.body().size();
  if (*kind == fault_kind::reset) {
    res.set(loopback_server::reset_after, n > 1 ? std::to_string(n / 2) : "-1");
  } else if (n < 2 || res.result_int() >= 300) {
    res.set(loopback_server::reset_after, "-1");  // nothing to cut or flip: a reset instead
  } else if (*kind == fault_kind::truncate) {
    res.set(loopback_server::truncate_after, std::to_string(n / 3));
  } else if (*kind == fault_kind::flip) {
    // A different byte each time, as real corruption is: the same body flipped the same way twice would look like
    // a registry that consistently serves other bytes than it announces, which a client rightly believes.
    const auto at = static_cast<std::size_t>(splitmix(chaos_.seed ^ requests_.load()) % n);
    res.body()[at] = static_cast<char>(res.body()[at] ^ 0x20);
    ++flips_[body_kind(std::string(req.target()))];
  } else if (*kind == fault_kind::drip) {
    res.set(loopback_server::drip, std::to_string(chaos_.drip_bytes) + "," + std::to_string(chaos_.drip_pause.count()));
  }
  return res;
}

fault_proxy::response fault_proxy::forward(request& req) {
  return forward_request(upstream_host_, upstream_port_, req);
}

loopback_server::response forward_request(const std::string& host, const std::string& port,
                                          loopback_server::request& req) {
  using response = loopback_server::response;
  asio::io_context io;
  tcp::socket up(io);
  tcp::resolver resolver(io);
  boost::system::error_code ec;
  asio::connect(up, resolver.resolve(host, port), ec);
  if (!ec) {
    req.keep_alive(false);
    http::write(up, req, ec);
  }
  http::response_parser<http::string_body> p;
  p.body_limit(64u << 20);
  p.skip(req.method() == http::verb::head);
  beast::flat_buffer buf;
  if (!ec) http::read(up, buf, p, ec);
  if (ec) {
    response bad{http::status::bad_gateway, 11};
    bad.body() = "upstream: " + ec.message();
    bad.prepare_payload();
    return bad;
  }
  return p.release();
}

}  // namespace ocimirror::testing
