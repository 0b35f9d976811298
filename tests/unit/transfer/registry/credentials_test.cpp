#include "transfer/registry/credentials.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/registry/auth.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <filesystem>
#include <fstream>

using namespace ocimirror::transfer;
namespace fs = std::filesystem;

namespace {
struct temp_dir {
  fs::path path = fs::temp_directory_path() / ("ocimirror-cred-" + std::to_string(::getpid()) + "-" +
                                               ::testing::UnitTest::GetInstance()->current_test_info()->name());
  temp_dir() { fs::create_directories(path); }
  ~temp_dir() { fs::remove_all(path); }
};
void write(const fs::path& p, const std::string& s) { std::ofstream(p) << s; }
}  // namespace

TEST(Base64, RoundTrip) {
  for (std::string s : {"", "a", "ab", "abc", "user:pa:ss"}) EXPECT_EQ(base64_decode(base64_encode(s)).value(), s);
  EXPECT_EQ(base64_encode("user:pass"), "dXNlcjpwYXNz");
  EXPECT_FALSE(base64_decode("abc"));
}

TEST(DockerConfig, AuthsByHostOrUrl) {
  temp_dir d;
  write(d.path / "config.json", R"({"auths":{"https://registry.example:5000/v1/":{"auth":"dXNlcjpwYXNz"},
    "https://index.docker.io/v1/":{"auth":"aHViOnNlY3JldA=="}}})");
  auto c = docker_credentials("registry.example:5000", d.path / "config.json");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->username, "user");
  EXPECT_EQ(c->password, "pass");
  EXPECT_EQ(docker_credentials("docker.io", d.path / "config.json")->username, "hub");
  EXPECT_FALSE(docker_credentials("other.example", d.path / "config.json"));
  EXPECT_FALSE(docker_credentials("x", d.path / "missing.json"));
}

TEST(DockerConfig, IdentityToken) {
  temp_dir d;
  write(d.path / "config.json", R"({"auths":{"r.example":{"identitytoken":"refresh-me"}}})");
  EXPECT_EQ(docker_credentials("r.example", d.path / "config.json")->identity_token, "refresh-me");
}

TEST(DockerConfig, CredentialHelperProtocol) {
  temp_dir d;
  // A helper that answers per server URL it reads on stdin, as docker-credential-* helpers do.
  write(d.path / "docker-credential-testhelper",
        "#!/bin/sh\nread server\n"
        "case \"$server\" in r.example) echo "
        "'{\"ServerURL\":\"r.example\",\"Username\":\"<token>\",\"Secret\":\"idtok\"}';;\n"
        "h.example) echo '{\"ServerURL\":\"h.example\",\"Username\":\"bob\",\"Secret\":\"pw\"}';;\n"
        "*) echo 'credentials not found in native keychain'; exit 1;; esac\n");
  fs::permissions(d.path / "docker-credential-testhelper", fs::perms::owner_all);
  std::string path = d.path.string() + ":" + std::getenv("PATH");
  ::setenv("PATH", path.c_str(), 1);
  write(d.path / "config.json", R"({"credHelpers":{"r.example":"testhelper"},"credsStore":"testhelper"})");
  auto tok = docker_credentials("r.example", d.path / "config.json");
  ASSERT_TRUE(tok);
  EXPECT_EQ(tok->identity_token, "idtok");
  EXPECT_TRUE(tok->username.empty());
  EXPECT_EQ(docker_credentials("h.example", d.path / "config.json")->password, "pw");
  EXPECT_FALSE(docker_credentials("none.example", d.path / "config.json"));
  write(d.path / "config2.json", R"({"credsStore":"does-not-exist"})");
  EXPECT_THROW(docker_credentials("h.example", d.path / "config2.json"), error);
}

TEST(DockerConfig, StoreKeepsOtherKeysAndIsPrivate) {
  temp_dir d;
  auto cfg = d.path / "sub" / "config.json";
  fs::create_directories(cfg.parent_path());
  write(cfg, R"({"auths":{"old.example":{"auth":"eDp5"}},"experimental":"enabled"})");
  docker_store_credentials("new.example:5000", {"alice", "s3cret", {}}, cfg);
  EXPECT_EQ(docker_credentials("new.example:5000", cfg)->password, "s3cret");
  EXPECT_EQ(docker_credentials("old.example", cfg)->username, "x");
  std::ifstream in(cfg);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("experimental"), std::string::npos);
  EXPECT_EQ(text.find("s3cret"), std::string::npos);  // stored base64, as docker does
  struct stat st {};
  ::stat(cfg.c_str(), &st);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(RealmRefusal, CredentialsGoOverPlainHTTPOnlyWhereTheOperatorSaidSo) {
  using ocimirror::transfer::realm_refusal;
  auto plain = [](std::string_view a) { return a == "127.0.0.1:5000" || a == "tokens.lan:80"; };
  EXPECT_FALSE(realm_refusal("ghcr.io", "https://ghcr.io/token", plain));
  EXPECT_FALSE(realm_refusal("ghcr.io", "https://auth.elsewhere.io/token", plain));  // another host, over TLS: fine
  // An HTTPS registry naming an http:// realm: the downgrade that would send the password in clear text.
  auto why = realm_refusal("registry.example:443", "http://registry.example/token", plain);
  ASSERT_TRUE(why);
  EXPECT_NE(why->find("over plain HTTP"), std::string::npos) << *why;
  EXPECT_NE(why->find("--plain-http-host registry.example"), std::string::npos) << *why;
  // A plain-HTTP registry's realm at its own origin, or a realm origin configured plain: what the operator chose.
  EXPECT_FALSE(realm_refusal("127.0.0.1:5000", "http://127.0.0.1:5000/token", plain));
  EXPECT_FALSE(realm_refusal("127.0.0.1:5000", "HTTP://127.0.0.1:5000/token", plain));  // schemes ignore case
  EXPECT_FALSE(realm_refusal("ghcr.io", "http://tokens.lan/token", plain));
  EXPECT_TRUE(realm_refusal("127.0.0.1:5000", "http://localhost:5001/token", plain));
  EXPECT_TRUE(realm_refusal("r.io", "ftp://r.io/token", plain));
  // Another port on the registry's own host is another service (the daemon's admin API, say): whole origins.
  EXPECT_TRUE(realm_refusal("127.0.0.1:5000", "http://127.0.0.1:5001/token", plain));
  EXPECT_TRUE(realm_refusal("127.0.0.1:5000", "http://127.0.0.1:9090/v1/policies/p/run", plain));
  // Credentials never ride in the realm's URL: a user name there would go as "Host: user@host".
  auto userinfo = realm_refusal("127.0.0.1:5000", "http://127.0.0.1:5000@evil.example/token", plain);
  ASSERT_TRUE(userinfo);
  EXPECT_NE(userinfo->find("user name or password"), std::string::npos) << *userinfo;
}
