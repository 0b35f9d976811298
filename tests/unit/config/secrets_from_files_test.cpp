// Secrets as operators hand them over: ${VAR:-default} for optional settings, and `password_file` / `token_file`
// for a Kubernetes Secret's key or a systemd credential (one trailing newline dropped, an empty file refused).
#include "config/mirror_config.hpp"
#include "config/yaml_reader.hpp"
#include "tests/unit/config/env_of.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <map>

using namespace ocimirror::config;
using ocimirror::config::test_env::env_of;

namespace {

std::string expand(const std::string& in, std::map<std::string, std::string> vars, std::string* why = nullptr) {
  std::string w;
  auto out = detail::expand_variables(in, env_of(std::move(vars)), w);
  if (why) *why = w;
  return out ? *out : "<" + w + ">";
}

struct temp_file {
  std::string path;
  explicit temp_file(const std::string& content) {
    path = (std::filesystem::temp_directory_path() / ("ocimirror-secret-" + std::to_string(::getpid()) + "-" +
                                                      std::to_string(reinterpret_cast<std::uintptr_t>(this))))
               .string();
    std::ofstream(path, std::ios::binary) << content;
  }
  ~temp_file() { std::filesystem::remove(path); }
};

std::string first_error(const load_result& r) { return r.errors.empty() ? "" : r.errors[0].str(); }

}  // namespace

TEST(ConfigVariables, ADefaultStandsInForAnUnsetOrEmptyVariable) {
  EXPECT_EQ(expand("${HOST:-ghcr.io}/acme", {}), "ghcr.io/acme");
  EXPECT_EQ(expand("${HOST:-ghcr.io}/acme", {{"HOST", ""}}), "ghcr.io/acme");
  EXPECT_EQ(expand("${HOST:-ghcr.io}/acme", {{"HOST", "quay.io"}}), "quay.io/acme");
  EXPECT_EQ(expand("a${E:-}b", {}), "ab") << "an explicit empty default is what was meant";
  EXPECT_EQ(expand("${A}-${B:-x-y}", {{"A", "1"}}), "1-x-y");
  EXPECT_EQ(expand("${NOPE}", {}), "<environment variable NOPE is not set>");
  EXPECT_EQ(expand("${EMPTY}", {{"EMPTY", ""}}), "<environment variable EMPTY is set but empty>");
  EXPECT_EQ(expand("${OPEN:-x", {}), "<unterminated ${ in value>");
}

TEST(ConfigSecrets, PasswordFileIsReadWithItsTrailingNewlineDropped) {
  temp_file pw("s3cret pass\n");
  auto r = load_config_text("registries:\n  r.io: {username: u, password_file: " + pw.path +
                                "}\npolicies:\n  - {name: a, from: r.io/x, to: d.io/m}\n",
                            "m.yaml", env_of({}));
  ASSERT_TRUE(r.config) << first_error(r);
  EXPECT_EQ(r.config->credentials.at("r.io").password, "s3cret pass");
  temp_file crlf("p\r\n");
  r = load_config_text("registries:\n  r.io: {username: u, password_file: '${DIR:-/nowhere}/" +
                           std::filesystem::path(crlf.path).filename().string() +
                           "'}\npolicies:\n  - {name: a, from: r.io/x, to: d.io/m}\n",
                       "m.yaml", env_of({{"DIR", std::filesystem::path(crlf.path).parent_path().string()}}));
  ASSERT_TRUE(r.config) << first_error(r);
  EXPECT_EQ(r.config->credentials.at("r.io").password, "p");
}

TEST(ConfigSecrets, AMissingEmptyOrDoubledSecretIsRefusedNamingTheFileNotTheSecret) {
  auto errs = [&](const std::string& reg) {
    return first_error(
        load_config_text("registries:\n  r.io: " + reg + "\npolicies:\n  - {name: a, from: r.io/x, to: d.io/m}\n",
                         "m.yaml", env_of({})));
  };
  EXPECT_EQ(errs("{username: u, password_file: /nonexistent/pw}"),
            "m.yaml:2:38: registries.r.io.password_file: cannot read '/nonexistent/pw' (No such file or directory)");
  temp_file empty("\n");
  EXPECT_NE(errs("{username: u, password_file: " + empty.path + "}").find("is empty"), std::string::npos);
  temp_file pw("hunter2");
  const auto both = errs("{username: u, password: hunter2, password_file: " + pw.path + "}");
  EXPECT_NE(both.find("give password or password_file, not both"), std::string::npos) << both;
  EXPECT_EQ(both.find("hunter2"), std::string::npos) << "a secret in an error message";
  EXPECT_NE(errs("{password_file: " + pw.path + "}").find("username and password"), std::string::npos);
}

TEST(ConfigSecrets, DaemonTokenFromAFile) {
  temp_file token("0123456789abcdef0123\n");
  auto r =
      load_config_text("daemon: {token_file: " + token.path + "}\npolicies:\n  - {name: a, from: r.io/x, to: d.io/m}\n",
                       "m.yaml", env_of({}));
  ASSERT_TRUE(r.config) << first_error(r);
  EXPECT_EQ(r.config->daemon.token, "0123456789abcdef0123");
  temp_file shortish("short\n");
  r = load_config_text(
      "daemon: {token_file: " + shortish.path + "}\npolicies:\n  - {name: a, from: r.io/x, to: d.io/m}\n", "m.yaml",
      env_of({}));
  EXPECT_NE(first_error(r).find("daemon.token: must be at least 16 characters"), std::string::npos) << first_error(r);
}
