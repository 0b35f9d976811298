#include "transfer/identity/token_answer.hpp"

#include "transfer/oci/errors.hpp"

#include <gtest/gtest.h>

#include <string>

using namespace ocimirror::transfer;
using namespace ocimirror::transfer::identity;

namespace {
// 2026-12-07T20:00:00Z; 21:00:00Z is an hour later.
constexpr std::int64_t t0 = 1796673600;
constexpr std::int64_t nine_pm = 1796677200;
const clock::time_point now{std::chrono::seconds(t0)};

std::int64_t expiry(std::string_view body) {
  const auto t = token_of(body, "access_token", now, "the test service");
  return std::chrono::duration_cast<std::chrono::seconds>(t.expires.time_since_epoch()).count();
}

/// The message token_of throws for body, or "" when it does not throw transfer::error(protocol).
std::string refusal(std::string_view body, std::string_view field = "access_token") {
  try {
    token_of(body, field, now, "the test service");
  } catch (const error& e) {
    return e.code() == errc::protocol ? e.what() : "";
  }
  return "";
}

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST(TokenAnswer, TokenAndEachWayOfStatingItsExpiry) {
  auto t = token_of(R"({"access_token":"abc.def","expires_in":3599,"token_type":"Bearer"})", "access_token", now, "x");
  EXPECT_EQ(t.value, "abc.def");
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":3599})"), t0 + 3599);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":"3599"})"), t0 + 3599) << "IMDS writes a string";
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":120.5})"), t0 + 120);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_on":"1796677200"})"), nine_pm) << "an epoch (App Service)";
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_on":1796677200})"), nine_pm);
  EXPECT_EQ(expiry(R"({"access_token":"a","expireTime":"2026-12-07T21:00:00Z"})"), nine_pm) << "Google IAM";
  EXPECT_EQ(expiry(R"({"access_token":"a","expireTime":"2026-12-07T21:00:00.123456789Z"})"), nine_pm);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_at":"2026-12-07T23:00:00+02:00"})"), nine_pm) << "GitHub";
  EXPECT_EQ(expiry(R"({"access_token":"a","Expiration":"2026-12-07T21:00:00Z"})"), nine_pm) << "AWS";
  EXPECT_EQ(expiry(R"({"access_token":"a","expiration":"2026-12-07T21:00:00Z"})"), nine_pm);
  // The first that is there wins.
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":60,"expires_on":"1796677200"})"), t0 + 60);
  // Another field than access_token (GitHub's "token", ACR's "refresh_token").
  EXPECT_EQ(token_of(R"({"token":"ghs_x","expires_at":"2026-12-07T21:00:00Z"})", "token", now, "GitHub").value,
            "ghs_x");
}

TEST(TokenAnswer, NoReadableExpiryIsAnHour) {
  EXPECT_EQ(expiry(R"({"access_token":"a"})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":"abc"})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":"12abc"})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":" 60"})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":""})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":null})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":true})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":[60]})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":"99999999999999999999999"})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expireTime":"tomorrow"})"), t0 + 3600);
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_at":1796677200})"), t0 + 3600) << "expires_at is a time text";
}

TEST(TokenAnswer, AbsurdExpiriesAreKeptWithinADay) {
  const std::int64_t day = 24 * 3600;
  for (const char* body :
       {R"({"access_token":"a","expires_in":1e300})", R"({"access_token":"a","expires_in":18446744073709551615})",
        R"({"access_token":"a","expires_in":9223372036854775807})",
        R"({"access_token":"a","expires_in":"9223372036854775807"})",
        R"({"access_token":"a","expires_on":"99999999999"})",
        R"({"access_token":"a","expires_at":"9999-12-31T23:59:59Z"})"})
    EXPECT_EQ(expiry(body), t0 + day) << body;
  for (const char* body :
       {R"({"access_token":"a","expires_in":-5})", R"({"access_token":"a","expires_in":"-5"})",
        R"({"access_token":"a","expires_in":-1e300})", R"({"access_token":"a","expires_in":-9223372036854775808})",
        R"({"access_token":"a","expires_on":"0"})", R"({"access_token":"a","expires_at":"1970-01-01T00:00:00Z"})"})
    EXPECT_EQ(expiry(body), t0) << body;
  EXPECT_EQ(expiry(R"({"access_token":"a","expires_in":0})"), t0);
}

TEST(TokenAnswer, RefusesAnswersWithoutAUsableToken) {
  EXPECT_TRUE(contains(refusal("not json"), "the test service answered something that is not a JSON object"));
  EXPECT_TRUE(contains(refusal(""), "not a JSON object"));
  EXPECT_TRUE(contains(refusal("[]"), "not a JSON object"));
  EXPECT_TRUE(contains(refusal(R"("access_token")"), "not a JSON object"));
  EXPECT_TRUE(contains(refusal(R"({"access_token":"a")"), "not a JSON object")) << "truncated";
  EXPECT_TRUE(contains(refusal(R"({"token_type":"Bearer"})"), "answered without \"access_token\""));
  EXPECT_FALSE(refusal(R"({"access_token":""})").empty()) << "empty";
  EXPECT_FALSE(refusal(R"({"access_token":null})").empty());
  EXPECT_FALSE(refusal(R"({"access_token":12345})").empty());
  EXPECT_FALSE(refusal(R"({"access_token":{"value":"a"}})").empty());
  EXPECT_FALSE(refusal(R"({"access_token":"a"})", "token").empty()) << "another field asked for";
  // A token that would end or forge a header line.
  EXPECT_FALSE(refusal(R"({"access_token":"abc\r\nX-Evil: 1"})").empty());
  EXPECT_FALSE(refusal(R"({"access_token":"abc\n"})").empty());
  EXPECT_FALSE(refusal(R"({"access_token":"abc\u0000def"})").empty());
  EXPECT_FALSE(refusal(R"({"access_token":"a\u007fb"})").empty());
  EXPECT_THROW(token_of("nope", "access_token", now, "x"), error);
}

TEST(TokenAnswer, Rfc3339Seconds) {
  EXPECT_EQ(rfc3339_seconds("2026-12-07T21:00:00Z"), nine_pm);
  EXPECT_EQ(rfc3339_seconds("2026-12-07T21:00:00z"), nine_pm);
  EXPECT_EQ(rfc3339_seconds("2026-12-07T21:00:00.5Z"), nine_pm) << "fractions are dropped";
  EXPECT_EQ(rfc3339_seconds("2026-12-07T21:00:00.000000001Z"), nine_pm);
  EXPECT_EQ(rfc3339_seconds("2026-12-07T23:00:00+02:00"), nine_pm);
  EXPECT_EQ(rfc3339_seconds("2026-12-07T16:30:00-04:30"), nine_pm);
  EXPECT_EQ(rfc3339_seconds("2026-12-07T23:00:00.25+02:00"), nine_pm);
  EXPECT_EQ(rfc3339_seconds("2026-12-07T21:00:00+00:00"), nine_pm);
  EXPECT_EQ(rfc3339_seconds("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(rfc3339_seconds("2024-02-29T00:00:00Z"), 1709164800) << "a leap day";

  EXPECT_FALSE(rfc3339_seconds(""));
  EXPECT_FALSE(rfc3339_seconds("garbage"));
  EXPECT_FALSE(rfc3339_seconds("garbage garbage garbage"));
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00")) << "no zone";
  EXPECT_FALSE(rfc3339_seconds("2026-12-07 21:00:00Z")) << "no T";
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00Zjunk"));
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00+02:00junk"));
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00+0200"));
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00Q"));
  EXPECT_FALSE(rfc3339_seconds("2026-13-07T21:00:00Z")) << "month 13";
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T25:00:00Z")) << "hour 25";
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00." + std::string(30, '1') + "Z")) << "over 40 characters";
  EXPECT_FALSE(rfc3339_seconds(std::string("2026-12-07T21:00:00\0Z", 21))) << "a NUL inside";
}

TEST(TokenAnswer, Rfc3339ShortOffsetsAreRefused) {
  // An offset shorter than "+HH:MM" must be refused, not read past: rfc3339_seconds advances 6 characters past the
  // sign whatever sscanf consumed, so "+02:0" and "+2:00" step beyond the string's terminating NUL.
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00+02:0"));
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00+2:00"));
  EXPECT_FALSE(rfc3339_seconds("2026-12-07T21:00:00+2:0"));
}

TEST(TokenAnswer, Rfc3339Writes) {
  EXPECT_EQ(rfc3339(clock::time_point(std::chrono::seconds(nine_pm))), "2026-12-07T21:00:00Z");
  EXPECT_EQ(rfc3339_seconds(rfc3339(now)), t0);
}

TEST(TokenAnswer, ErrorOfEachServicesShape) {
  EXPECT_EQ(error_of(401, R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret"})"),
            "HTTP 401, invalid_client: AADSTS7000215: Invalid client secret");
  EXPECT_EQ(error_of(400, R"({"error":"invalid_grant"})"), "HTTP 400, invalid_grant");
  EXPECT_EQ(error_of(401, R"({"message":"Bad credentials","documentation_url":"https://docs.github.com"})"),
            "HTTP 401, Bad credentials");
  EXPECT_EQ(error_of(403, R"({"error":{"code":403,"message":"Permission denied","status":"PERMISSION_DENIED"}})"),
            "HTTP 403, Permission denied");
  EXPECT_EQ(error_of(500, R"({"Code":"InternalError","Message":"boom"})"), "HTTP 500, boom");
  EXPECT_EQ(error_of(502, "<html><body>Bad Gateway</body></html>"), "HTTP 502");
  EXPECT_EQ(error_of(404, ""), "HTTP 404");
  EXPECT_EQ(error_of(404, "[]"), "HTTP 404");
  EXPECT_EQ(error_of(404, "{}"), "HTTP 404");
  EXPECT_EQ(error_of(404, R"({"error":42,"message":null})"), "HTTP 404");
}

TEST(TokenAnswer, ErrorOfIsShortAndPrintable) {
  const auto long_text =
      error_of(400, R"({"error":"invalid_request","error_description":")" + std::string(5000, 'x') + "\"}");
  EXPECT_LE(long_text.size(), 300u) << long_text.size();
  EXPECT_TRUE(contains(long_text, "invalid_request"));

  const auto hostile = error_of(400, R"({"error":"bad\r\nSet-Cookie: a=b\u001b[31m","error_description":"\u0000x"})");
  EXPECT_EQ(hostile.find_first_of(std::string("\r\n\x1b\0", 4)), std::string::npos) << hostile;
  EXPECT_TRUE(contains(hostile, "\\x0d\\x0a")) << hostile;
  for (unsigned char c : hostile) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << static_cast<int>(c);

  const auto utf8 = error_of(400, R"({"message":"d\u00e9j\u00e0"})");
  for (unsigned char c : utf8) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << utf8;
}

TEST(TokenAnswer, ErrorOfStaysShortWhenEveryByteIsEscaped) {
  // "at most 300 bytes, printable": escaping makes each control byte four ("\x0a"), and error_of cuts before
  // escaping, so a description of newlines comes out at several times the bound.
  const auto newlines = error_of(
      400, R"({"error":"invalid_request","error_description":")" + [] {
        std::string s;
        for (int i = 0; i < 5000; ++i) s += "\\n";
        return s;
      }() + "\"}");
  EXPECT_LE(newlines.size(), 300u) << newlines.size();
  EXPECT_EQ(newlines.find('\n'), std::string::npos);
}

TEST(TokenAnswer, EndpointProblem) {
  EXPECT_FALSE(endpoint_problem("https://login.microsoftonline.com", "AZURE_AUTHORITY_HOST"));
  EXPECT_FALSE(endpoint_problem("https://example.com:8443/path?q=1", "X"));
  EXPECT_FALSE(endpoint_problem("HTTPS://EXAMPLE.COM", "X"));
  EXPECT_FALSE(endpoint_problem("http://127.0.0.1:8080/token", "X")) << "a test's stand-in on loopback";
  EXPECT_FALSE(endpoint_problem("http://localhost:1234", "X"));
  EXPECT_FALSE(endpoint_problem("http://[::1]:1234/", "X"));
  EXPECT_FALSE(endpoint_problem("http://127.1.2.3", "X"));

  // Each metadata service's own addresses, and only where that service is allowed.
  using ms = metadata_service;
  const std::pair<const char*, ms> own[] = {{"http://169.254.169.254/metadata/identity/oauth2/token", ms::azure},
                                            {"http://169.254.169.254/latest/api/token", ms::aws_imds},
                                            {"http://169.254.170.2/v2/creds", ms::aws_container},
                                            {"http://169.254.170.23/v1/credentials", ms::aws_container},
                                            {"http://[fd00:ec2::254]/latest", ms::aws_imds},
                                            {"http://[fd00:ec2::23]/", ms::aws_container},
                                            {"http://metadata.google.internal/computeMetadata/v1", ms::google},
                                            {"http://METADATA.GOOGLE.INTERNAL", ms::google}};
  for (const auto& [url, service] : own) {
    EXPECT_FALSE(endpoint_problem(url, "X", service)) << url;
    auto p = endpoint_problem(url, "X");
    ASSERT_TRUE(p) << url;
    EXPECT_FALSE(contains(*p, "metadata address")) << *p;
  }
  EXPECT_TRUE(
      endpoint_problem("http://metadata.google.internal/x", "AWS_CONTAINER_CREDENTIALS_FULL_URI", ms::aws_container))
      << "an AWS container token never goes to a name DNS resolves";
  EXPECT_TRUE(endpoint_problem("http://169.254.170.2/x", "IDENTITY_ENDPOINT", ms::azure));

  auto clear = endpoint_problem("http://example.com/token", "AZURE_AUTHORITY_HOST");
  ASSERT_TRUE(clear);
  EXPECT_TRUE(contains(*clear, "AZURE_AUTHORITY_HOST")) << *clear;
  EXPECT_TRUE(contains(*clear, "https://")) << *clear;
  auto clear_md = endpoint_problem("http://example.com/token", "IDENTITY_ENDPOINT", metadata_service::azure);
  ASSERT_TRUE(clear_md);
  EXPECT_TRUE(contains(*clear_md, "IDENTITY_ENDPOINT")) << *clear_md;

  // Names that only look like the allowed hosts.
  for (const char* url : {"http://169.254.169.254.evil.example/", "http://metadata.google.internal.evil.example/",
                          "http://localhost.evil.example/", "http://127.0.0.1.evil.example/", "http://169.254.169.253/",
                          "http://0x7f000001.evil/"})
    EXPECT_TRUE(endpoint_problem(url, "X", metadata_service::google)) << url;

  // User names ride to whoever the URL names: refused, even on loopback or over TLS.
  for (const char* url : {"http://user@example.com", "http://localhost:1@evil.example:80",
                          "https://user:pw@example.com", "http://169.254.169.254@evil.example/"}) {
    auto p = endpoint_problem(url, "GCE_METADATA_HOST", metadata_service::google);
    ASSERT_TRUE(p) << url;
    EXPECT_TRUE(contains(*p, "GCE_METADATA_HOST")) << *p;
  }
  for (const char* url : {"", "garbage", "example.com", "ftp://example.com", "//example.com", "http://", "https://:80",
                          "http://exa mple.com", "file:///etc/passwd"}) {
    auto p = endpoint_problem(url, "SOME_VAR");
    ASSERT_TRUE(p) << url;
    EXPECT_TRUE(contains(*p, "SOME_VAR")) << *p;
  }
  // What the message quotes is printable.
  auto shown = endpoint_problem("http://ex\x1b[31mample.com", "X");
  ASSERT_TRUE(shown);
  EXPECT_EQ(shown->find('\x1b'), std::string::npos) << *shown;
}

TEST(TokenAnswer, FormValue) {
  EXPECT_EQ(form_value(""), "");
  EXPECT_EQ(form_value("AZaz09-_.~"), "AZaz09-_.~");
  EXPECT_EQ(form_value("a b&c=d+e/f?g#h%i"), "a%20b%26c%3Dd%2Be%2Ff%3Fg%23h%25i");
  EXPECT_EQ(form_value("https://containerregistry.azure.net"), "https%3A%2F%2Fcontainerregistry.azure.net");
  EXPECT_EQ(form_value("\xc3\xa9"), "%C3%A9");
  EXPECT_EQ(form_value(std::string("\0\r\n\xff", 4)), "%00%0D%0A%FF");
  EXPECT_EQ(form_value("../x"), "..%2Fx");
}

TEST(TokenAnswer, ErrorOfReadsTheDistributionShapeAcrAnswers) {
  const auto line = error_of(401, R"({"errors":[{"code":"UNAUTHORIZED","message":"the refresh token was revoked"}]})");
  EXPECT_NE(line.find("UNAUTHORIZED: the refresh token was revoked"), std::string::npos) << line;
}

TEST(TokenAnswer, AnIdentityGoesToARegistryOnlyOverHttpsOrOnLoopback) {
  EXPECT_FALSE(plain_http_refusal("myreg.azurecr.io", "https://myreg.azurecr.io"));
  EXPECT_FALSE(plain_http_refusal("127.0.0.1:5000", "http://127.0.0.1:5000")) << "a test's stand-in";
  auto why = plain_http_refusal("registry.lan:5000", "http://registry.lan:5000");
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("registry.lan:5000"), std::string::npos) << *why;
  EXPECT_NE(why->find("tls: disabled"), std::string::npos) << *why;
}
