#include "config/mirror_config.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::config;

namespace {
const char* base = R"(registries:
  a.example: {}
policies:
  - name: p
    from: a.example/x
    to: b.example/y
    schedule: {every: 1s, at_start: true}
)";

load_result load(const std::string& daemon_section, const env_lookup& env = {}) {
  return load_config_text(std::string(base) + daemon_section, "d.yaml", env);
}
}  // namespace

TEST(DaemonSection, DefaultsWhenAbsent) {
  auto r = load("");
  ASSERT_TRUE(r.config);
  EXPECT_EQ(r.config->daemon.listen(), "127.0.0.1:9469");
  EXPECT_TRUE(r.config->daemon.token.empty());
  EXPECT_EQ(r.config->daemon.drain_timeout, std::chrono::seconds(30));
  EXPECT_TRUE(r.config->policies[0].run_at_start);
  EXPECT_EQ(r.config->policies[0].every, std::chrono::seconds(1));
}

TEST(DaemonSection, ListenTokenFromEnvironmentAndDrainTimeout) {
  auto r = load("daemon: {listen: \"[::1]:0\", token: \"${TOKEN}\", drain_timeout: 2m}\n",
                [](const std::string& k) -> std::optional<std::string> {
                  if (k == "TOKEN") return std::string("s3cret-s3cret-s3cret");
                  return std::nullopt;
                });
  ASSERT_TRUE(r.config) << (r.errors.empty() ? "" : r.errors[0].str());
  EXPECT_EQ(r.config->daemon.listen_host, "::1");
  EXPECT_EQ(r.config->daemon.listen_port, 0);
  EXPECT_EQ(r.config->daemon.listen(), "[::1]:0");
  EXPECT_EQ(r.config->daemon.token, "s3cret-s3cret-s3cret");
  EXPECT_EQ(r.config->daemon.drain_timeout, std::chrono::minutes(2));
}

TEST(DaemonSection, EveryProblemWithItsPlaceAndNeverTheToken) {
  auto r = load("daemon:\n  listen: \"localhost:99999\"\n  token: \"short\"\n  drain_timeout: soon\n  colour: red\n");
  ASSERT_FALSE(r.config);
  std::string all;
  for (const auto& e : r.errors) all += e.str() + "\n";
  EXPECT_NE(all.find("d.yaml:9:11: daemon.listen: 'localhost:99999': the port must be a number from 0 to 65535"),
            std::string::npos)
      << all;
  EXPECT_NE(all.find("d.yaml:10:10: daemon.token: must be at least 16 characters"), std::string::npos) << all;
  EXPECT_NE(all.find("d.yaml:11:18: daemon.drain_timeout:"), std::string::npos) << all;
  EXPECT_NE(all.find("d.yaml:12:3: daemon.colour: unknown key"), std::string::npos) << all;
  EXPECT_EQ(all.find("short"), std::string::npos) << "the token's value must never be echoed: " << all;
}

TEST(DaemonSection, ParseListen) {
  EXPECT_EQ(parse_listen("0.0.0.0:9469")->first, "0.0.0.0");
  EXPECT_EQ(parse_listen("[fe80::1]:80")->second, 80);
  for (const char* bad : {"9469", ":9469", "::1:9469", "host:", "host:port", "[::1:80", "a b:80", "h:65536"})
    EXPECT_FALSE(parse_listen(bad)) << bad;
}
