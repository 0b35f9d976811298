#include "transfer/identity/sigv4.hpp"

#include "transfer/oci/digest.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <ctime>

namespace ocimirror::transfer {

namespace {

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out, &n);
  return std::string(reinterpret_cast<const char*>(out), n);
}

std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += digits[c >> 4];
    out += digits[c & 15];
  }
  return out;
}

std::string hex_sha256(std::string_view data) { return sha256_digest(data).substr(7); }

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

/// Leading and trailing spaces removed, inner runs of spaces made one (SigV4's header value rule).
std::string canonical_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string canonical_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (std::size_t at = 0; at < query.size();) {
    auto end = query.find('&', at);
    if (end == std::string_view::npos) end = query.size();
    auto kv = query.substr(at, end - at);
    auto eq = kv.find('=');
    if (!kv.empty())
      params.emplace_back(std::string(kv.substr(0, eq)),
                          eq == std::string_view::npos ? "" : std::string(kv.substr(eq + 1)));
    at = end + 1;
  }
  std::sort(params.begin(), params.end());
  std::string out;
  for (const auto& [k, v] : params) out.append(out.empty() ? "" : "&").append(k).append("=").append(v);
  return out;
}

/// Every header signed: host, x-amz-date, the session token when there is one, and the request's own.
std::vector<std::pair<std::string, std::string>> headers_to_sign(const sigv4_request& req, const aws_credentials& c,
                                                                 const std::string& date) {
  std::vector<std::pair<std::string, std::string>> h{{"host", req.host}, {"x-amz-date", date}};
  if (!c.session_token.empty()) h.emplace_back("x-amz-security-token", c.session_token);
  for (const auto& [k, v] : req.headers) h.emplace_back(lower(k), canonical_value(v));
  std::sort(h.begin(), h.end());
  return h;
}

std::string signed_names(const std::vector<std::pair<std::string, std::string>>& h) {
  std::string out;
  for (const auto& [k, v] : h) out += (out.empty() ? "" : ";") + k;
  return out;
}

}  // namespace

std::string aws_uri_encode(std::string_view s) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

std::string amz_date(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm utc{};
  gmtime_r(&secs, &utc);
  char buf[17];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &utc);
  return buf;
}

std::string sigv4_canonical_request(const sigv4_request& req,
                                    const std::vector<std::pair<std::string, std::string>>& signed_headers) {
  std::string headers;
  for (const auto& [k, v] : signed_headers) headers.append(k).append(":").append(v).append("\n");
  return req.method + "\n" + req.path + "\n" + canonical_query(req.query) + "\n" + headers + "\n" +
         signed_names(signed_headers) + "\n" + hex_sha256(req.body);
}

std::string sigv4_signature(const sigv4_request& req, const aws_credentials& creds, const std::string& region,
                            const std::string& service, const std::string& date) {
  const std::string day = date.substr(0, 8);
  const std::string scope = day + "/" + region + "/" + service + "/aws4_request";
  const std::string to_sign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" +
                              hex_sha256(sigv4_canonical_request(req, headers_to_sign(req, creds, date)));
  const auto key = hmac(hmac(hmac(hmac("AWS4" + creds.secret_access_key, day), region), service), "aws4_request");
  return hex(hmac(key, to_sign));
}

std::vector<std::pair<std::string, std::string>> sigv4_sign(const sigv4_request& req, const aws_credentials& creds,
                                                            const std::string& region, const std::string& service,
                                                            const std::string& date) {
  const auto signed_headers = headers_to_sign(req, creds, date);
  std::vector<std::pair<std::string, std::string>> out{{"X-Amz-Date", date}};
  if (!creds.session_token.empty()) out.emplace_back("X-Amz-Security-Token", creds.session_token);
  out.emplace_back("Authorization", "AWS4-HMAC-SHA256 Credential=" + creds.access_key_id + "/" + date.substr(0, 8) +
                                        "/" + region + "/" + service +
                                        "/aws4_request, SignedHeaders=" + signed_names(signed_headers) +
                                        ", Signature=" + sigv4_signature(req, creds, region, service, date));
  return out;
}

}  // namespace ocimirror::transfer
