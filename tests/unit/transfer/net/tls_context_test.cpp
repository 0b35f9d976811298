// Where a registry's certs.d directory is found, and what a bad one says.
#include "transfer/net/tls_context.hpp"
#include "transfer/oci/errors.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace ocimirror::transfer;
namespace fs = std::filesystem;

TEST(TlsContext, TheFirstRootWithTheRegistrysDirectoryWins) {
  const fs::path base = fs::temp_directory_path() / ("ocimirror-certsd-" + std::to_string(::getpid()));
  fs::create_directories(base / "user/r.io:5000");
  fs::create_directories(base / "etc/r.io:5000");
  fs::create_directories(base / "etc/other.io");
  const std::vector<std::string> roots{(base / "user").string(), (base / "etc").string()};
  EXPECT_EQ(cert_dir_for(roots, "r.io:5000"), (base / "user/r.io:5000").string());
  EXPECT_EQ(cert_dir_for(roots, "other.io"), (base / "etc/other.io").string());
  EXPECT_EQ(cert_dir_for(roots, "none.io"), "");
  EXPECT_EQ(cert_dir_for(roots, "../etc"), "") << "a registry name never climbs out of a root";
  EXPECT_EQ(cert_dir_for(roots, "a/b"), "");
  // A client certificate without its key is named, with the key it looked for.
  std::ofstream(base / "user/r.io:5000/client.cert") << "not a certificate";
  tls_options t;
  t.cert_dir = (base / "user/r.io:5000").string();
  try {
    make_tls_context(t);
    ADD_FAILURE() << "a certificate without a key was accepted";
  } catch (const error& e) {
    EXPECT_NE(std::string(e.what()).find("client.key"), std::string::npos) << e.what();
  }
  fs::remove_all(base);
}
