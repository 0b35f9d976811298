#include "transfer/oci/errors.hpp"

#include <boost/json.hpp>

namespace ocimirror::transfer {
namespace {

/// Each kind's stable name (reports, logs, metric labels) and its message (std::error_code::message), side by side
/// in one switch: a kind added without both is a -Wswitch error under -Werror.
struct kind_text {
  std::string_view name, message;
};
kind_text text_of(errc e) noexcept {
  switch (e) {
    case errc::ok:
      return {"ok", "ok"};
    case errc::bad_reference:
      return {"bad_reference", "invalid reference"};
    case errc::bad_digest:
      return {"bad_digest", "invalid digest"};
    case errc::bad_manifest:
      return {"bad_manifest", "invalid manifest"};
    case errc::digest_mismatch:
      return {"digest_mismatch", "digest mismatch"};
    case errc::too_large:
      return {"too_large", "too large"};
    case errc::not_found:
      return {"not_found", "not found"};
    case errc::unauthorized:
      return {"unauthorized", "unauthorized"};
    case errc::denied:
      return {"denied", "denied"};
    case errc::throttled:
      return {"throttled", "throttled"};
    case errc::server_error:
      return {"server_error", "registry server error"};
    case errc::protocol:
      return {"protocol", "protocol error"};
    case errc::network:
      return {"network", "network error"};
    case errc::tls:
      return {"tls", "TLS failure"};
    case errc::timeout:
      return {"timeout", "timeout"};
    case errc::io:
      return {"io", "i/o error"};
    case errc::bad_archive:
      return {"bad_archive", "invalid archive"};
    case errc::cancelled:
      return {"cancelled", "cancelled"};
  }
  return {"unknown", "unknown"};
}

class category final : public std::error_category {
 public:
  const char* name() const noexcept override { return "ocimirror.transfer"; }
  std::string message(int v) const override { return std::string(text_of(static_cast<errc>(v)).message); }
};

std::string_view reason(unsigned status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 413:
      return "Payload Too Large";
    case 416:
      return "Range Not Satisfiable";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 502:
      return "Bad Gateway";
    case 503:
      return "Service Unavailable";
    case 504:
      return "Gateway Timeout";
    default:
      return "";
  }
}

}  // namespace

const std::error_category& transfer_category() noexcept {
  static const category c;
  return c;
}

std::string_view errc_name(errc e) noexcept { return text_of(e).name; }

errc errc_from_status(unsigned status) noexcept {
  if (status == 401) return errc::unauthorized;
  if (status == 403) return errc::denied;
  if (status == 404) return errc::not_found;
  if (status == 413) return errc::too_large;
  if (status == 429) return errc::throttled;
  if (status >= 500) return errc::server_error;
  return errc::protocol;
}

std::string printable(std::string_view text, std::size_t max) {
  std::string out;
  static constexpr char hex[] = "0123456789abcdef";
  for (unsigned char c : text.substr(0, max)) {
    if (c >= 0x20 && c < 0x7f && c != '\\') {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

// A registry's own words, made safe to print: at most a few errors, each cut short, nothing a terminal or a log
// line would obey (a newline forging a log line, ANSI escapes).
std::string describe_registry_error(unsigned status, std::string_view body) {
  std::string out;
  boost::system::error_code ec;
  auto doc = boost::json::parse(body, ec);
  if (!ec && doc.is_object()) {
    if (auto* errors = doc.as_object().if_contains("errors"); errors && errors->is_array()) {
      std::size_t shown = 0;
      for (const auto& e : errors->as_array()) {
        if (!e.is_object()) continue;
        if (++shown > 5) {
          out += "; and " + std::to_string(errors->as_array().size() - 5) + " more";
          break;
        }
        const auto& o = e.as_object();
        if (!out.empty()) out += "; ";
        if (auto* c = o.if_contains("code"); c && c->is_string()) out += printable(c->as_string(), 64);
        if (auto* m = o.if_contains("message"); m && m->is_string() && !m->as_string().empty()) {
          out += ": ";
          out += printable(m->as_string(), 300);
        }
      }
    }
  }
  if (out.empty()) {
    out = "HTTP " + std::to_string(status);
    if (auto r = reason(status); !r.empty()) out += " " + std::string(r);
  }
  return out;
}

}  // namespace ocimirror::transfer
