#pragma once
// AWS Signature Version 4 for the few AWS API calls ocimirror makes itself (ECR GetAuthorizationToken and
// CreateRepository, STS AssumeRoleWithWebIdentity), so no AWS tool or credential helper is needed. HMAC-SHA256
// through OpenSSL; tested against AWS's published signature test suite. Pure.
#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace ocimirror::transfer {

struct aws_credentials {
  std::string access_key_id, secret_access_key, session_token;  ///< session_token: temporary credentials only
  std::string source;  ///< where they came from, for messages ("environment", "~/.aws/credentials [prod]")
  bool empty() const { return access_key_id.empty() || secret_access_key.empty(); }
};

struct sigv4_request {
  std::string method;                                        ///< "POST"
  std::string host;                                          ///< the Host header: "api.ecr.eu-west-1.amazonaws.com"
  std::string path = "/";                                    ///< the canonical URI, already percent-encoded
  std::string query;                                         ///< "a=1&b=2", already percent-encoded; sorted when signed
  std::vector<std::pair<std::string, std::string>> headers;  ///< further headers to sign (content-type, x-amz-target)
  std::string body;
};

/// "20150830T123600Z": the X-Amz-Date of a moment.
std::string amz_date(std::chrono::system_clock::time_point t);

/// The headers to add to the request: X-Amz-Date, X-Amz-Security-Token (temporary credentials) and
/// Authorization. date: as amz_date() gives it.
std::vector<std::pair<std::string, std::string>> sigv4_sign(const sigv4_request& req, const aws_credentials& creds,
                                                            const std::string& region, const std::string& service,
                                                            const std::string& date);

/// The parts of signing, for tests: the canonical request and the signature alone.
std::string sigv4_canonical_request(const sigv4_request& req,
                                    const std::vector<std::pair<std::string, std::string>>& signed_headers);
std::string sigv4_signature(const sigv4_request& req, const aws_credentials& creds, const std::string& region,
                            const std::string& service, const std::string& date);

/// Percent-encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ encoded.
std::string aws_uri_encode(std::string_view s);

}  // namespace ocimirror::transfer
