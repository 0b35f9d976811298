#include "transfer/identity/google_source.hpp"

#include "tests/unit/transfer/identity/fake_world.hpp"

#include <gtest/gtest.h>

#include <map>

using namespace ocimirror::transfer;
using namespace ocimirror::transfer::identity;

namespace {
struct world : ocimirror::testing::fake_world {
  google_source find() const { return find_google_source(lookup(), reader()); }
};

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }

constexpr const char* service_account_json = R"({
  "type": "service_account",
  "project_id": "p",
  "private_key_id": "kid-1",
  "private_key": "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n",
  "client_email": "mirror@p.iam.gserviceaccount.com",
  "client_id": "123",
  "token_uri": "https://oauth2.googleapis.com/token"
})";

constexpr const char* authorized_user_json = R"({
  "type": "authorized_user",
  "client_id": "764086051850-6qr4p6gpi6hn506pt8ejuq83di341hur.apps.googleusercontent.com",
  "client_secret": "d-FL95Q19q7MQmFpd7hHD0Ty",
  "refresh_token": "1//0refresh",
  "quota_project_id": "p"
})";

/// An external_account with the given credential_source (JSON text) and extra top-level fields.
std::string external(const std::string& source, const std::string& extra = "") {
  return R"({"type":"external_account",
    "audience":"//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/pool/providers/gh",
    "subject_token_type":"urn:ietf:params:oauth:token-type:jwt",
    "token_url":"https://sts.googleapis.com/v1/token",)" +
         extra + R"("credential_source":)" + source + "}";
}
}  // namespace

TEST(GoogleSource, ServiceAccountFile) {
  world w;
  w.env = {{"GOOGLE_APPLICATION_CREDENTIALS", "/keys/sa.json"}, {"HOME", "/h"}};
  w.files["/keys/sa.json"] = service_account_json;
  auto s = w.find();
  EXPECT_EQ(s.kind, google_kind::service_account);
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.client_email, "mirror@p.iam.gserviceaccount.com");
  EXPECT_EQ(s.private_key_id, "kid-1");
  EXPECT_TRUE(contains(s.private_key, "BEGIN PRIVATE KEY"));
  EXPECT_EQ(s.token_uri, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(s.where, "GOOGLE_APPLICATION_CREDENTIALS /keys/sa.json (service_account)");
  EXPECT_FALSE(contains(s.where, "MIIE")) << "no key in messages";
}

TEST(GoogleSource, DefaultTokenUri) {
  auto sa = google_source_of(R"({"type":"service_account","client_email":"e","private_key":"k"})", "f");
  EXPECT_EQ(sa.token_uri, "https://oauth2.googleapis.com/token");
  EXPECT_TRUE(sa.problem.empty()) << sa.problem;
  auto user = google_source_of(authorized_user_json, "f");
  EXPECT_EQ(user.kind, google_kind::authorized_user);
  EXPECT_EQ(user.token_uri, "https://oauth2.googleapis.com/token");
  EXPECT_EQ(user.refresh_token, "1//0refresh");
  EXPECT_EQ(user.client_secret, "d-FL95Q19q7MQmFpd7hHD0Ty");
  EXPECT_TRUE(user.problem.empty()) << user.problem;
  auto empty_uri = google_source_of(R"({"type":"service_account","client_email":"e","private_key":"k",
                                       "token_uri":""})",
                                    "f");
  EXPECT_EQ(empty_uri.token_uri, "https://oauth2.googleapis.com/token");
}

TEST(GoogleSource, MissingFieldsAreProblems) {
  EXPECT_TRUE(
      contains(google_source_of(R"({"type":"service_account","private_key":"k"})", "f").problem, "client_email"));
  EXPECT_TRUE(
      contains(google_source_of(R"({"type":"service_account","client_email":"e"})", "f").problem, "private_key"));
  EXPECT_FALSE(
      google_source_of(R"({"type":"service_account","client_email":1,"private_key":"k"})", "f").problem.empty())
      << "a number is not an email";
  EXPECT_TRUE(
      contains(google_source_of(R"({"type":"authorized_user","client_id":"c"})", "f").problem, "refresh_token"));
  EXPECT_TRUE(contains(google_source_of(R"({"type":"external_account","subject_token_type":"t",
                                           "token_url":"https://sts.googleapis.com/v1/token",
                                           "credential_source":{"file":"/t"}})",
                                        "f")
                           .problem,
                       "audience"));
}

TEST(GoogleSource, UnreadableOrUnknownFiles) {
  world w;
  w.env = {{"GOOGLE_APPLICATION_CREDENTIALS", "/missing.json"}};
  auto s = w.find();
  EXPECT_NE(s.kind, google_kind::none) << "set but unreadable: said, not skipped";
  EXPECT_NE(s.kind, google_kind::metadata);
  EXPECT_TRUE(contains(s.problem, "GOOGLE_APPLICATION_CREDENTIALS")) << s.problem;
  EXPECT_TRUE(contains(s.problem, "/missing.json")) << s.problem;

  w.files["/missing.json"] = R"({"type":"impersonated_service_account"})";
  s = w.find();
  EXPECT_TRUE(contains(s.problem, "impersonated_service_account")) << s.problem;
  EXPECT_TRUE(contains(s.problem, "GOOGLE_APPLICATION_CREDENTIALS")) << s.problem;

  for (const char* text : {"", "not json", "[]", "\"service_account\"", R"({"type":"service_account")", "{}",
                           R"({"type":42})", R"({"type":"gdch_service_account"})"}) {
    w.files["/missing.json"] = text;
    s = w.find();
    EXPECT_FALSE(s.problem.empty()) << text;
    EXPECT_NE(s.kind, google_kind::none) << text;
  }
  // A hostile type is printed safely.
  auto hostile = google_source_of("{\"type\":\"x\\u001b[2J\\r\\ny\"}", "f");
  EXPECT_EQ(hostile.where.find_first_of("\x1b\r\n"), std::string::npos) << hostile.where;
  EXPECT_EQ(hostile.problem.find_first_of("\x1b\r\n"), std::string::npos) << hostile.problem;
}

TEST(GoogleSource, TokenUrisMustNotBeClearText) {
  auto s = google_source_of(R"({"type":"service_account","client_email":"e","private_key":"k",
                               "token_uri":"http://oauth2.example.com/token"})",
                            "GOOGLE_APPLICATION_CREDENTIALS /k.json");
  EXPECT_TRUE(contains(s.problem, "GOOGLE_APPLICATION_CREDENTIALS /k.json")) << s.problem;
  EXPECT_TRUE(contains(s.problem, "https://")) << s.problem;
  s = google_source_of(R"({"type":"service_account","client_email":"e","private_key":"k",
                          "token_uri":"http://127.0.0.1:8080/token"})",
                       "f");
  EXPECT_TRUE(s.problem.empty()) << "a stand-in on loopback: " << s.problem;
  EXPECT_EQ(s.token_uri, "http://127.0.0.1:8080/token");
  s = google_source_of(R"({"type":"authorized_user","client_id":"c","refresh_token":"r",
                          "token_uri":"http://oauth2.example.com/token"})",
                       "f");
  EXPECT_FALSE(s.problem.empty());
  s = google_source_of(R"({"type":"service_account","client_email":"e","private_key":"k",
                          "token_uri":"https://user@oauth2.example.com/token"})",
                       "f");
  EXPECT_FALSE(s.problem.empty()) << "a user name in the URL";
  s = google_source_of(R"({"type":"service_account","client_email":"e","private_key":"k",
                          "token_uri":"http://169.254.169.254/token"})",
                       "f");
  EXPECT_FALSE(s.problem.empty()) << "a key's assertion is not sent to a metadata address in clear text";
  s = google_source_of(external(R"({"file":"/t"})", R"("service_account_impersonation_url":"http://iam.example/x",)"),
                       "f");
  EXPECT_FALSE(s.problem.empty()) << "impersonation over http";
  s = google_source_of(external(R"({"url":"http://idp.example/token"})"), "f");
  EXPECT_FALSE(s.problem.empty()) << "a subject token from another host in clear text";
  auto sts = external(R"({"file":"/t"})");
  sts.replace(sts.find("https://sts.googleapis.com"), 26, "http://sts.example");
  s = google_source_of(sts, "f");
  EXPECT_FALSE(s.problem.empty()) << "STS over http";
}

TEST(GoogleSource, ExternalAccountFromAFile) {
  auto s = google_source_of(
      external(
          R"({"file":"/var/run/secrets/tokens/gcp-ksa/token"})",
          R"("service_account_impersonation_url":"https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/m@p.iam.gserviceaccount.com:generateAccessToken",)"),
      "GOOGLE_APPLICATION_CREDENTIALS /wif.json");
  EXPECT_EQ(s.kind, google_kind::external_account);
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.audience, "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/pool/providers/gh");
  EXPECT_EQ(s.subject_token_type, "urn:ietf:params:oauth:token-type:jwt");
  EXPECT_EQ(s.token_uri, "https://sts.googleapis.com/v1/token");
  EXPECT_EQ(s.subject_file, "/var/run/secrets/tokens/gcp-ksa/token");
  EXPECT_TRUE(s.subject_url.empty());
  EXPECT_TRUE(s.subject_field.empty()) << "text by default";
  EXPECT_EQ(s.impersonation_url,
            "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/m@p.iam.gserviceaccount.com:"
            "generateAccessToken");
  EXPECT_EQ(s.where, "GOOGLE_APPLICATION_CREDENTIALS /wif.json (external_account)");
}

TEST(GoogleSource, ExternalAccountFromAUrlWithJsonFormat) {
  auto s = google_source_of(external(R"({"url":"https://token.actions.example/idtoken?audience=x",
                   "headers":{"Authorization":"Bearer abc","X-Number":5},
                   "format":{"type":"json","subject_token_field_name":"value"}})"),
                            "f");
  EXPECT_EQ(s.kind, google_kind::external_account);
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.subject_url, "https://token.actions.example/idtoken?audience=x");
  EXPECT_TRUE(s.subject_file.empty());
  ASSERT_EQ(s.subject_headers.size(), 1u) << "a header that is not a string is left out";
  EXPECT_EQ(s.subject_headers[0].first, "Authorization");
  EXPECT_EQ(s.subject_headers[0].second, "Bearer abc");
  EXPECT_EQ(s.subject_field, "value");
  // format type text: the body as it is.
  s = google_source_of(external(R"({"file":"/t","format":{"type":"text","subject_token_field_name":"value"}})"), "f");
  EXPECT_TRUE(s.subject_field.empty());
  s = google_source_of(external(R"({"file":"/t","format":"json"})"), "f");
  EXPECT_TRUE(s.subject_field.empty()) << "a format that is not an object";
}

TEST(GoogleSource, ExternalAccountFromAzureImds) {
  // The configuration `gcloud iam workload-identity-pools create-cred-config --azure` writes: the subject token is
  // an Azure managed identity token from IMDS, over plain HTTP at the link-local address (where nothing secret is
  // sent: the header is "Metadata: True").
  auto s = google_source_of(
      external(
          R"({"url":"http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api://app",
                   "headers":{"Metadata":"True"},
                   "format":{"type":"json","subject_token_field_name":"access_token"}})"),
      "f");
  EXPECT_EQ(s.kind, google_kind::external_account);
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.subject_field, "access_token");
}

TEST(GoogleSource, ExternalAccountSourcesOcimirrorCannotRead) {
  auto exe = google_source_of(
      external(R"({"executable":{"command":"/usr/bin/get-token --flag","timeout_millis":5000}})"), "f");
  EXPECT_EQ(exe.kind, google_kind::external_account);
  EXPECT_TRUE(contains(exe.problem, "neither a file nor a url")) << exe.problem;
  EXPECT_TRUE(contains(google_source_of(external("{}"), "f").problem, "neither a file nor a url"));
  EXPECT_TRUE(contains(google_source_of(external("\"/t\""), "f").problem, "credential_source"));
  EXPECT_TRUE(contains(google_source_of(R"({"type":"external_account","audience":"a","subject_token_type":"t",
                                           "token_url":"https://sts.googleapis.com/v1/token"})",
                                        "f")
                           .problem,
                       "no credential_source"));
  EXPECT_FALSE(google_source_of(external(R"({"file":1})"), "f").problem.empty()) << "a file that is not a string";
  // No token_url: nowhere to trade the subject token.
  EXPECT_TRUE(contains(google_source_of(R"({"type":"external_account","audience":"a","subject_token_type":"t",
                           "credential_source":{"file":"/t"}})",
                                        "f")
                           .problem,
                       "token_url"));
}

TEST(GoogleSource, ExternalAccountFromAwsIsRefusedAsSuch) {
  // `create-cred-config --aws`: an AWS source, which has a "url" (IMDS's role list) but is not a URL source. Its
  // body is a role name, not a subject token; the source must be refused as an AWS source.
  auto s = google_source_of(external(
                                R"({"environment_id":"aws1",
              "region_url":"http://169.254.169.254/latest/meta-data/placement/availability-zone",
              "url":"http://169.254.169.254/latest/meta-data/iam/security-credentials",
              "regional_cred_verification_url":"https://sts.{region}.amazonaws.com?Action=GetCallerIdentity&Version=2011-06-15"})",
                                ""),
                            "f");
  EXPECT_EQ(s.kind, google_kind::external_account);
  EXPECT_TRUE(contains(s.problem, "AWS")) << s.problem;
}

TEST(GoogleSource, GcloudApplicationDefaultFile) {
  world w;
  w.env = {{"HOME", "/home/u"}};
  w.files["/home/u/.config/gcloud/application_default_credentials.json"] = authorized_user_json;
  auto s = w.find();
  EXPECT_EQ(s.kind, google_kind::authorized_user);
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.where, "/home/u/.config/gcloud/application_default_credentials.json (authorized_user)");

  w.env["CLOUDSDK_CONFIG"] = "/etc/gcloud";
  s = w.find();
  EXPECT_NE(s.kind, google_kind::authorized_user) << "CLOUDSDK_CONFIG replaces ~/.config/gcloud";
  w.files["/etc/gcloud/application_default_credentials.json"] = service_account_json;
  s = w.find();
  EXPECT_EQ(s.kind, google_kind::service_account);
  EXPECT_EQ(s.where, "/etc/gcloud/application_default_credentials.json (service_account)");

  // GOOGLE_APPLICATION_CREDENTIALS comes first.
  w.env["GOOGLE_APPLICATION_CREDENTIALS"] = "/k.json";
  w.files["/k.json"] = authorized_user_json;
  EXPECT_EQ(w.find().kind, google_kind::authorized_user);
  // Empty counts as unset.
  w.env["GOOGLE_APPLICATION_CREDENTIALS"] = "";
  EXPECT_EQ(w.find().kind, google_kind::service_account);
  w.env["CLOUDSDK_CONFIG"] = "";
  EXPECT_EQ(w.find().kind, google_kind::authorized_user);
}

TEST(GoogleSource, MetadataServerLast) {
  world w;
  w.env = {{"HOME", "/home/u"}};
  auto s = w.find();
  EXPECT_EQ(s.kind, google_kind::metadata);
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.metadata_url,
            "http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token");
  EXPECT_EQ(s.where, "the metadata server at metadata.google.internal");

  w.env["GCE_METADATA_HOST"] = "127.0.0.1:8081";
  s = w.find();
  EXPECT_EQ(s.metadata_url, "http://127.0.0.1:8081/computeMetadata/v1/instance/service-accounts/default/token");
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  w.env["GCE_METADATA_HOST"] = "169.254.169.254";
  EXPECT_TRUE(w.find().problem.empty()) << w.find().problem;

  for (const char* bad : {"metadata.example.com", "metadata.google.internal.evil.example",
                          "metadata.google.internal@evil.example", "evil.example#", "a b"}) {
    w.env["GCE_METADATA_HOST"] = bad;
    s = w.find();
    EXPECT_EQ(s.kind, google_kind::metadata);
    EXPECT_TRUE(contains(s.problem, "GCE_METADATA_HOST")) << bad << ": " << s.problem;
  }

  for (const char* no : {"true", "True", "1"}) {
    w.env["NO_GCE_CHECK"] = no;
    s = w.find();
    EXPECT_EQ(s.kind, google_kind::none) << no;
    EXPECT_TRUE(s.metadata_url.empty());
    EXPECT_TRUE(s.problem.empty());
  }
  w.env["NO_GCE_CHECK"] = "false";
  EXPECT_EQ(w.find().kind, google_kind::metadata);
  // NO_GCE_CHECK rules out only the metadata server, not a file.
  w.env["NO_GCE_CHECK"] = "true";
  w.files["/home/u/.config/gcloud/application_default_credentials.json"] = authorized_user_json;
  EXPECT_EQ(w.find().kind, google_kind::authorized_user);
}

TEST(GoogleSource, SubjectTokenOf) {
  google_source text;
  EXPECT_EQ(subject_token_of(text, "eyJhbGciOi.x.y\n"), "eyJhbGciOi.x.y") << "text, trimmed";
  EXPECT_EQ(subject_token_of(text, "  \r\n tok \t\r\n"), "tok");
  EXPECT_FALSE(subject_token_of(text, ""));
  EXPECT_FALSE(subject_token_of(text, " \n\t "));

  google_source js;
  js.subject_field = "access_token";
  EXPECT_EQ(subject_token_of(js, R"({"access_token":"abc","expires_in":"3599"})"), "abc");
  EXPECT_FALSE(subject_token_of(js, R"({"value":"abc"})")) << "another field";
  EXPECT_FALSE(subject_token_of(js, R"({"access_token":""})"));
  EXPECT_FALSE(subject_token_of(js, R"({"access_token":42})"));
  EXPECT_FALSE(subject_token_of(js, R"({"access_token":{"a":"b"}})"));
  EXPECT_FALSE(subject_token_of(js, "abc")) << "not JSON";
  EXPECT_FALSE(subject_token_of(js, R"(["abc"])"));
  EXPECT_FALSE(subject_token_of(js, R"({"access_token":"abc")")) << "truncated";
  EXPECT_FALSE(subject_token_of(js, ""));
}
