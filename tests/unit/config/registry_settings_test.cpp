#include "config/registry_settings.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::config;

TEST(RegistrySettings, DefaultsAndOverrides) {
  registry_settings_map m;
  m.defaults.ca_files = {"/ca.pem"};
  m.by_registry["lab:5000"].tls = tls_mode::insecure;
  EXPECT_TRUE(m.tls_for("ghcr.io").verify);
  EXPECT_EQ(m.tls_for("ghcr.io").ca_files.size(), 1u);
  EXPECT_FALSE(m.tls_for("lab:5000").verify);
  EXPECT_EQ(m.get("other").tls, tls_mode::enabled);
}

TEST(RegistrySettings, ProfileByNameOrByHost) {
  registry_settings_map m;
  m.by_registry["127.0.0.1:5000"].profile = "ecr";
  EXPECT_EQ(m.profile_for("127.0.0.1:5000").name, "ecr") << "profile: wins";
  EXPECT_EQ(m.profile_for("127.0.0.1:5001").name, "generic");
  EXPECT_EQ(m.profile_for("ghcr.io").name, "ghcr") << "by host";
  m.by_registry["ghcr.io"].profile = "generic";
  EXPECT_EQ(m.profile_for("ghcr.io").name, "generic") << "and profile: switches a host's off";
}
