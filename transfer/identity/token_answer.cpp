#include "transfer/identity/token_answer.hpp"

#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <vector>

namespace ocimirror::transfer::identity {
namespace json = boost::json;

namespace {
std::int64_t seconds_of(clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

/// A number, or a string of digits (IMDS writes "3599"); nullopt for anything else.
std::optional<double> number_of(const json::value& v) {
  if (v.is_number()) return v.to_number<double>();
  if (!v.is_string() || v.as_string().empty() || v.as_string().size() > 20) return std::nullopt;
  std::int64_t n = 0;
  const auto& s = v.as_string();
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return static_cast<double>(n);
}

/// The expiry an answer states, as seconds since the epoch; nullopt when it states none that can be read.
std::optional<double> stated_expiry(const json::object& o, std::int64_t now) {
  if (const auto* in = o.if_contains("expires_in"))
    if (auto n = number_of(*in)) return static_cast<double>(now) + *n;
  if (const auto* on = o.if_contains("expires_on"))
    if (auto n = number_of(*on)) return *n;
  for (const char* key : {"expireTime", "expires_at", "Expiration", "expiration"})
    if (const auto* at = o.if_contains(key); at && at->is_string())
      if (auto s = rfc3339_seconds(at->as_string())) return static_cast<double>(*s);
  return std::nullopt;
}
}  // namespace

timed_token token_of(std::string_view body, std::string_view field, clock::time_point now, const std::string& what) {
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) throw error(errc::protocol, what + " answered something that is not a JSON object");
  const auto* token = doc.as_object().if_contains(field);
  if (!token || !token->is_string() || token->as_string().empty())
    throw error(errc::protocol, what + " answered without \"" + std::string(field) + "\"");
  std::string value(token->as_string());
  check_header_value(value, what + "'s token");
  const auto t = seconds_of(now);
  const auto when = stated_expiry(doc.as_object(), t).value_or(static_cast<double>(t + 3600));
  const auto at = clamp_number<std::int64_t>(when, t, t + std::int64_t{24} * 3600);
  return {std::move(value), clock::time_point(std::chrono::seconds(at))};
}

std::optional<std::int64_t> rfc3339_seconds(std::string_view text) {
  if (text.size() < 20 || text.size() > 40) return std::nullopt;
  std::tm tm{};
  const std::string s(text);
  const char* rest = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!rest) return std::nullopt;
  if (*rest == '.')
    for (++rest; std::isdigit(static_cast<unsigned char>(*rest));) ++rest;
  std::int64_t offset = 0;
  if (*rest == '+' || *rest == '-') {  // exactly [+-]HH:MM, never read past its end
    auto digit = [&](int i) { return std::isdigit(static_cast<unsigned char>(rest[i])) != 0; };
    if (!digit(1) || !digit(2) || rest[3] != ':' || !digit(4) || !digit(5)) return std::nullopt;
    const int h = (rest[1] - '0') * 10 + (rest[2] - '0'), m = (rest[4] - '0') * 10 + (rest[5] - '0');
    if (h > 23 || m > 59) return std::nullopt;
    offset = (*rest == '+' ? 1 : -1) * (std::int64_t{h} * 3600 + std::int64_t{m} * 60);
    rest += 6;
  } else if (*rest == 'Z' || *rest == 'z') {
    ++rest;
  } else {
    return std::nullopt;
  }
  if (*rest) return std::nullopt;
  return static_cast<std::int64_t>(timegm(&tm)) - offset;
}

std::string rfc3339(clock::time_point t) {
  const std::time_t secs = clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char out[32];
  std::strftime(out, sizeof out, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return out;
}

std::string error_of(unsigned status, std::string_view body) {
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  std::string text;
  auto str = [](const json::object& o, const char* key) -> std::string {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  if (!ec && doc.is_object()) {
    const auto& o = doc.as_object();
    // OAuth2 (RFC 6749 §5.2), Azure and Google: error + error_description; GitHub: message; Google APIs:
    // {"error": {"message": ...}}; AWS's container endpoint: Message.
    text = str(o, "error");
    for (const char* key : {"error_description", "message", "Message"})
      if (auto more = str(o, key); !more.empty()) text += (text.empty() ? "" : ": ") + more;
    if (const auto* e = o.if_contains("error"); e && e->is_object()) text = str(e->as_object(), "message");
    // The distribution spec's shape, which ACR's token endpoints answer: {"errors": [{"code", "message"}]}.
    if (const auto* es = o.if_contains("errors");
        es && es->is_array() && !es->as_array().empty() && es->as_array()[0].is_object()) {
      const auto& first = es->as_array()[0].as_object();
      text = str(first, "code") + (str(first, "message").empty() ? "" : ": " + str(first, "message"));
    }
  }
  if (text.empty()) return "HTTP " + std::to_string(status);
  auto shown = printable(text);  // escaped first, then cut: an escape is four bytes
  if (shown.size() > 280) shown = shown.substr(0, 280) + "...";
  return "HTTP " + std::to_string(status) + ", " + shown;
}

namespace {
std::vector<std::string_view> hosts_of(metadata_service service) {
  switch (service) {
    case metadata_service::aws_container:
      return {"169.254.170.2", "169.254.170.23", "fd00:ec2::23"};
    case metadata_service::aws_imds:
      return {"169.254.169.254", "fd00:ec2::254"};
    case metadata_service::azure:
      return {"169.254.169.254"};
    case metadata_service::google:
      return {"metadata.google.internal", "169.254.169.254"};
    default:
      return {};
  }
}
}  // namespace

std::optional<std::string> endpoint_problem(std::string_view url, std::string_view named, metadata_service service) {
  url_parts u;
  try {
    u = split_url(url);
  } catch (const error& e) {
    return std::string(named) + " is not a usable URL: " + e.what();
  }
  if (u.tls || is_loopback_url(url)) return std::nullopt;
  const auto allowed = hosts_of(service);
  if (std::find(allowed.begin(), allowed.end(), u.host) != allowed.end()) return std::nullopt;
  const bool metadata = service != metadata_service::none;
  return std::string(named) + " (" + printable(u.origin) + ") must be an https:// URL (http:// only on loopback" +
         (metadata ? " or a cloud's metadata address" : "") + "): a credential would cross the network in clear text";
}

std::optional<std::string> plain_http_refusal(const std::string& registry, const std::string& origin) {
  if (!endpoint_problem(origin, registry)) return std::nullopt;
  return "registry " + registry +
         " is spoken to over plain HTTP (tls: disabled); a cloud identity's credentials "
         "open more than one registry and are sent only over HTTPS";
}

std::string form_value(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      static constexpr char hex[] = "0123456789ABCDEF";
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

}  // namespace ocimirror::transfer::identity
