#include "transfer/identity/azure_source.hpp"

#include "transfer/net/url.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>

using namespace ocimirror::transfer;
using namespace ocimirror::transfer::identity;

namespace {
struct world {
  std::map<std::string, std::string> env;
  env_lookup_fn lookup() const {
    return [this](const char* n) -> std::optional<std::string> {
      auto it = env.find(n);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  azure_source find() const { return find_azure_source(lookup()); }
};

const std::map<std::string, std::string> everything = {
    {"AZURE_TENANT_ID", "tenant-1"},
    {"AZURE_CLIENT_ID", "client-1"},
    {"AZURE_CLIENT_SECRET", "s3cret"},
    {"AZURE_CLIENT_CERTIFICATE_PATH", "/etc/azure/cert.pem"},
    {"AZURE_FEDERATED_TOKEN_FILE", "/var/run/secrets/azure/tokens/azure-identity-token"},
    {"IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token"},
    {"IDENTITY_HEADER", "header-value"},
};

bool contains(const std::string& s, std::string_view part) { return s.find(part) != std::string::npos; }
}  // namespace

TEST(AzureSource, OrderOfTheSources) {
  world w;
  w.env = everything;
  auto s = w.find();
  EXPECT_EQ(s.kind, azure_kind::client_secret);
  EXPECT_EQ(s.secret, "s3cret");
  EXPECT_EQ(s.tenant, "tenant-1");
  EXPECT_EQ(s.client_id, "client-1");
  EXPECT_EQ(s.authority, "https://login.microsoftonline.com");
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_TRUE(contains(s.where, "AZURE_CLIENT_SECRET")) << s.where;
  EXPECT_FALSE(contains(s.where, "s3cret")) << "the secret is not in messages";

  w.env.erase("AZURE_CLIENT_SECRET");
  s = w.find();
  EXPECT_EQ(s.kind, azure_kind::client_certificate);
  EXPECT_EQ(s.file, "/etc/azure/cert.pem");
  EXPECT_TRUE(s.secret.empty());

  w.env.erase("AZURE_CLIENT_CERTIFICATE_PATH");
  s = w.find();
  EXPECT_EQ(s.kind, azure_kind::workload_identity);
  EXPECT_EQ(s.file, "/var/run/secrets/azure/tokens/azure-identity-token");

  w.env.erase("AZURE_FEDERATED_TOKEN_FILE");
  s = w.find();
  EXPECT_EQ(s.kind, azure_kind::app_service);
  EXPECT_EQ(s.endpoint, "http://127.0.0.1:41741/msi/token");
  EXPECT_EQ(s.header, "header-value");
  EXPECT_TRUE(s.problem.empty()) << s.problem;

  w.env.erase("IDENTITY_HEADER");
  s = w.find();
  EXPECT_EQ(s.kind, azure_kind::imds) << "IDENTITY_ENDPOINT without IDENTITY_HEADER is not App Service";
  EXPECT_EQ(s.endpoint, "http://169.254.169.254/metadata/identity/oauth2/token");
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(s.client_id, "client-1") << "a user-assigned identity";

  world empty;
  s = empty.find();
  EXPECT_EQ(s.kind, azure_kind::imds);
  EXPECT_TRUE(s.client_id.empty());
  EXPECT_TRUE(s.problem.empty()) << s.problem;
}

TEST(AzureSource, EmptyVariablesCountAsUnset) {
  world w;
  w.env = everything;
  w.env["AZURE_CLIENT_SECRET"] = "";
  EXPECT_EQ(w.find().kind, azure_kind::client_certificate);
  w.env["AZURE_CLIENT_CERTIFICATE_PATH"] = "";
  w.env["AZURE_FEDERATED_TOKEN_FILE"] = "";
  w.env["IDENTITY_HEADER"] = "";
  EXPECT_EQ(w.find().kind, azure_kind::imds);
  w.env["AZURE_AUTHORITY_HOST"] = "";
  w.env["AZURE_CLIENT_SECRET"] = "s";
  EXPECT_EQ(w.find().authority, "https://login.microsoftonline.com");
}

TEST(AzureSource, PrincipalsNeedTenantAndClient) {
  for (const char* missing : {"AZURE_TENANT_ID", "AZURE_CLIENT_ID"}) {
    world w;
    w.env = everything;
    w.env.erase("IDENTITY_ENDPOINT");
    w.env.erase(missing);
    auto s = w.find();
    EXPECT_EQ(s.kind, azure_kind::imds) << "without " << missing << ", none of secret, certificate, workload";
    EXPECT_TRUE(s.secret.empty());
    EXPECT_TRUE(s.file.empty());
    w.env = everything;
    w.env.erase(missing);
    EXPECT_EQ(w.find().kind, azure_kind::app_service) << missing;
  }
}

TEST(AzureSource, AuthorityHost) {
  world w;
  w.env = {{"AZURE_TENANT_ID", "t"},
           {"AZURE_CLIENT_ID", "c"},
           {"AZURE_CLIENT_SECRET", "s"},
           {"AZURE_AUTHORITY_HOST", "https://login.microsoftonline.us///"}};
  auto s = w.find();
  EXPECT_EQ(s.authority, "https://login.microsoftonline.us") << "trailing slashes trimmed";
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_EQ(azure_token_url(s), "https://login.microsoftonline.us/t/oauth2/v2.0/token");

  w.env["AZURE_AUTHORITY_HOST"] = "http://example.com";
  s = w.find();
  EXPECT_EQ(s.kind, azure_kind::client_secret);
  EXPECT_TRUE(contains(s.problem, "AZURE_AUTHORITY_HOST")) << s.problem;

  w.env["AZURE_AUTHORITY_HOST"] = "http://127.0.0.1:9999/";
  s = w.find();
  EXPECT_TRUE(s.problem.empty()) << "a stand-in on loopback: " << s.problem;
  EXPECT_EQ(azure_token_url(s), "http://127.0.0.1:9999/t/oauth2/v2.0/token");

  for (const char* bad : {"http://169.254.169.254", "login.microsoftonline.com", "https://user@login.example",
                          "garbage", "http://login.microsoftonline.com.evil.example"}) {
    w.env["AZURE_AUTHORITY_HOST"] = bad;
    s = w.find();
    EXPECT_TRUE(contains(s.problem, "AZURE_AUTHORITY_HOST")) << bad << ": " << s.problem;
  }
  // The workload identity and certificate are sent to the authority too.
  w.env = {{"AZURE_TENANT_ID", "t"},
           {"AZURE_CLIENT_ID", "c"},
           {"AZURE_FEDERATED_TOKEN_FILE", "/f"},
           {"AZURE_AUTHORITY_HOST", "http://example.com"}};
  EXPECT_EQ(w.find().kind, azure_kind::workload_identity);
  EXPECT_FALSE(w.find().problem.empty());
  w.env.erase("AZURE_FEDERATED_TOKEN_FILE");
  w.env["AZURE_CLIENT_CERTIFICATE_PATH"] = "/c";
  EXPECT_FALSE(w.find().problem.empty());
  // A managed identity does not use the authority: a bad one is no problem there.
  w.env.erase("AZURE_CLIENT_CERTIFICATE_PATH");
  s = w.find();
  EXPECT_EQ(s.kind, azure_kind::imds);
  EXPECT_TRUE(s.problem.empty()) << s.problem;
}

TEST(AzureSource, ManagedIdentityEndpoints) {
  world w;
  w.env = {{"IDENTITY_ENDPOINT", "http://example.com/msi/token"}, {"IDENTITY_HEADER", "h"}};
  auto s = w.find();
  EXPECT_EQ(s.kind, azure_kind::app_service);
  EXPECT_TRUE(contains(s.problem, "IDENTITY_ENDPOINT")) << s.problem;

  for (const char* ok : {"https://example.com/msi/token", "http://localhost:42356/msi/token",
                         "http://169.254.169.254/metadata/identity/oauth2/token"}) {
    w.env["IDENTITY_ENDPOINT"] = ok;
    EXPECT_TRUE(w.find().problem.empty()) << ok << ": " << w.find().problem;
  }
  for (const char* bad :
       {"http://10.0.0.1/msi/token", "http://169.254.169.254.evil.example/", "http://u@127.0.0.1/", "not a url"}) {
    w.env["IDENTITY_ENDPOINT"] = bad;
    EXPECT_TRUE(contains(w.find().problem, "IDENTITY_ENDPOINT")) << bad << ": " << w.find().problem;
  }

  world pod;
  pod.env = {{"AZURE_POD_IDENTITY_AUTHORITY_HOST", "http://127.0.0.1:2579/"}};
  s = pod.find();
  EXPECT_EQ(s.kind, azure_kind::imds);
  EXPECT_EQ(s.endpoint, "http://127.0.0.1:2579/metadata/identity/oauth2/token");
  EXPECT_TRUE(s.problem.empty()) << s.problem;
  EXPECT_TRUE(contains(s.where, "127.0.0.1:2579")) << s.where;
  pod.env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = "http://nmi.example:2579";
  EXPECT_TRUE(contains(pod.find().problem, "AZURE_POD_IDENTITY_AUTHORITY_HOST")) << pod.find().problem;
  pod.env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = "http://169.254.169.254@evil.example";
  EXPECT_FALSE(pod.find().problem.empty());
}

TEST(AzureSource, ManagedIdentityUrl) {
  world w;
  auto s = w.find();
  EXPECT_EQ(managed_identity_url(s),
            "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
            "&resource=https%3A%2F%2Fcontainerregistry.azure.net");
  w.env = {{"AZURE_CLIENT_ID", "11111111-2222-3333-4444-555555555555"}};
  EXPECT_EQ(managed_identity_url(w.find()),
            "http://169.254.169.254/metadata/identity/oauth2/token?api-version=2018-02-01"
            "&resource=https%3A%2F%2Fcontainerregistry.azure.net&client_id=11111111-2222-3333-4444-555555555555");

  w.env = {{"IDENTITY_ENDPOINT", "http://127.0.0.1:41741/msi/token"}, {"IDENTITY_HEADER", "h"}};
  EXPECT_EQ(managed_identity_url(w.find()),
            "http://127.0.0.1:41741/msi/token?api-version=2019-08-01"
            "&resource=https%3A%2F%2Fcontainerregistry.azure.net");
  w.env["IDENTITY_ENDPOINT"] = "http://127.0.0.1:41741/msi/token?x=1";
  EXPECT_EQ(managed_identity_url(w.find()),
            "http://127.0.0.1:41741/msi/token?x=1&api-version=2019-08-01"
            "&resource=https%3A%2F%2Fcontainerregistry.azure.net")
      << "a query already there is kept";
  // A client id cannot add parameters of its own.
  w.env["AZURE_CLIENT_ID"] = "c&resource=https://evil.example#";
  const auto url = managed_identity_url(w.find());
  EXPECT_TRUE(contains(url, "&client_id=c%26resource%3Dhttps%3A%2F%2Fevil.example%23")) << url;
  EXPECT_EQ(url.find("evil.example#"), std::string::npos) << url;
}

TEST(AzureSource, TokenUrlEncodesTheTenant) {
  world w;
  w.env = {{"AZURE_TENANT_ID", "72f988bf-86f1-41af-91ab-2d7cd011db47"},
           {"AZURE_CLIENT_ID", "c"},
           {"AZURE_CLIENT_SECRET", "s"}};
  EXPECT_EQ(azure_token_url(w.find()),
            "https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token");
  w.env["AZURE_TENANT_ID"] = "../x";
  auto url = azure_token_url(w.find());
  EXPECT_EQ(url, "https://login.microsoftonline.com/..%2Fx/oauth2/v2.0/token");
  EXPECT_EQ(url.find("/../"), std::string::npos) << url;
  // Whatever the tenant, the request goes to the authority's host, with one path segment for the tenant.
  for (const char* tenant : {"../../evil", "x/../../y", "a?b=c", "a#frag", "@evil.example", "x y", "t\r\nHost: evil"}) {
    w.env["AZURE_TENANT_ID"] = tenant;
    url = azure_token_url(w.find());
    const auto parts = split_url(url);
    EXPECT_EQ(parts.host, "login.microsoftonline.com") << url;
    EXPECT_TRUE(parts.target.ends_with("/oauth2/v2.0/token")) << url;
    EXPECT_EQ(std::count(parts.target.begin(), parts.target.end(), '/'), 4) << url;
    EXPECT_EQ(url.find_first_of("?# \r\n@"), std::string::npos) << url;
  }
}

TEST(AzureSource, ImdsAtItsDefaultAddressIsAProbeAndTheIdentityHeaderIsChecked) {
  world w;
  EXPECT_TRUE(w.find().probe) << "AWS's or Google's metadata service may answer there: not Azure";
  w.env["AZURE_POD_IDENTITY_AUTHORITY_HOST"] = "http://169.254.169.254";
  EXPECT_FALSE(w.find().probe);
  w.env = {{"IDENTITY_ENDPOINT", "http://127.0.0.1:41000/msi/token"}, {"IDENTITY_HEADER", "secret\r\nX-Evil: 1"}};
  auto s = w.find();
  EXPECT_EQ(s.kind, azure_kind::app_service);
  EXPECT_NE(s.problem.find("IDENTITY_HEADER"), std::string::npos) << s.problem;
  EXPECT_EQ(s.problem.find("secret"), std::string::npos) << "never the value";
}
