// AWS's published Signature Version 4 test suite (aws-sig-v4-test-suite): example credentials, us-east-1, service
// "service", 20150830T123600Z, host example.amazonaws.com.
#include "transfer/identity/sigv4.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;

namespace {
const aws_credentials suite{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test"};
const std::string date = "20150830T123600Z";

sigv4_request req(std::string method, std::string path = "/", std::string query = "") {
  sigv4_request r;
  r.method = std::move(method);
  r.host = "example.amazonaws.com";
  r.path = std::move(path);
  r.query = std::move(query);
  return r;
}

std::string sign(const sigv4_request& r, const aws_credentials& c = suite) {
  return sigv4_signature(r, c, "us-east-1", "service", date);
}
}  // namespace

TEST(SigV4, PublishedTestSuiteSignatures) {
  EXPECT_EQ(sign(req("GET")), "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31") << "get-vanilla";
  EXPECT_EQ(sign(req("POST")), "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b") << "post-vanilla";
  EXPECT_EQ(sign(req("GET", "/", "Param2=value2&Param1=value1")),
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")
      << "get-vanilla-query-order-key-case: the query is sorted";
  EXPECT_EQ(sign(req("GET", "/%E1%88%B4")), "8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85")
      << "get-utf8";
  auto trim = req("GET");
  trim.headers = {{"My-Header1", " value1"}, {"My-Header2", "\"a   b   c\""}};
  EXPECT_EQ(sign(trim), "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736") << "get-header-value-trim";
  auto sorted = req("POST");
  sorted.headers = {{"My-Header1", "value1"}};
  EXPECT_EQ(sign(sorted), "c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c") << "post-header-key-sort";
  auto form = req("POST");
  form.headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  form.body = "Param1=value1";
  EXPECT_EQ(sign(form), "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a")
      << "post-x-www-form-urlencoded";
}

TEST(SigV4, SessionTokenIsSignedAsAHeader) {
  auto temporary = suite;
  temporary.session_token =
      "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUu"
      "wthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQ"
      "cHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/"
      "oLxBA==";
  EXPECT_EQ(sign(req("POST"), temporary), "85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead")
      << "post-sts-header-before";
  auto headers = sigv4_sign(req("POST"), temporary, "us-east-1", "service", date);
  ASSERT_EQ(headers.size(), 3u);
  EXPECT_EQ(headers[1].first, "X-Amz-Security-Token");
  EXPECT_EQ(headers[2].second,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date;x-amz-security-token, "
            "Signature=85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead");
  for (const auto& [k, v] : headers) EXPECT_EQ(v.find(suite.secret_access_key), std::string::npos) << k;
}

TEST(SigV4, DatesAndEncoding) {
  EXPECT_EQ(amz_date(std::chrono::system_clock::time_point(std::chrono::seconds(1440938160))), date);
  EXPECT_EQ(aws_uri_encode("a b/c~d_e.f-g%"), "a%20b%2Fc~d_e.f-g%25");
}
