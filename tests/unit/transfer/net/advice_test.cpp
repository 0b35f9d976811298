#include "transfer/net/advice.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;

TEST(Advice, NamesTheFlagsOrTheConfigKeysWhereTheSettingsCameFrom) {
  advice flags, config;
  config.config = true;
  EXPECT_NE(flags.trust("r.io:5000").find("--ca-file"), std::string::npos);
  EXPECT_NE(config.trust("r.io:5000").find("`ca_file:` under registries.\"r.io:5000\""), std::string::npos);
  EXPECT_EQ(config.trust("r.io:5000").find("--"), std::string::npos);
  EXPECT_NE(flags.go_plain("r.io:5000").find("--plain-http-host r.io:5000"), std::string::npos);
  EXPECT_NE(config.go_plain("r.io:5000").find("`tls: disabled` under registries.\"r.io:5000\""), std::string::npos);
  EXPECT_NE(config.go_tls("r.io").find("remove `tls: disabled`"), std::string::npos);
  EXPECT_NE(flags.login("r.io").find("ocimirror login r.io"), std::string::npos);
  advice unit = config;
  unit.systemd_credentials = true;
  EXPECT_NE(unit.login("r.io").find("LoadCredential="), std::string::npos);
  EXPECT_NE(unit.login("r.io").find("systemctl restart ocimirror"), std::string::npos);
  advice bare = config;
  bare.systemd_unit = true;  // under the unit, without the credentials drop-in
  EXPECT_NE(bare.login("r.io").find("credentials.conf.example"), std::string::npos);
}

TEST(Advice, RecognisesHttpAndHttpsSpokenToEachOther) {
  EXPECT_TRUE(plain_http_answer("wrong version number (SSL routines)"));
  EXPECT_TRUE(plain_http_answer("packet length too long"));
  EXPECT_FALSE(plain_http_answer("certificate verify failed"));
  EXPECT_TRUE(https_port_answer(400, "Client sent an HTTP request to an HTTPS server.\n"));
  EXPECT_TRUE(https_port_answer(400, "<h1>The plain HTTP request was sent to HTTPS port</h1>"));
  EXPECT_FALSE(https_port_answer(401, "Client sent an HTTP request to an HTTPS server."));
  EXPECT_FALSE(https_port_answer(400, "{\"errors\":[{\"code\":\"MANIFEST_INVALID\"}]}"));
}

TEST(Advice, AClientCertificateRefusedPointsAtWhereOneGoes) {
  EXPECT_TRUE(client_certificate_refused("sslv3 alert bad certificate (SSL routines)"));
  EXPECT_TRUE(client_certificate_refused("tlsv13 alert certificate required (SSL routines)"));
  EXPECT_FALSE(client_certificate_refused("certificate verify failed"));
  advice flags, file{true};
  EXPECT_NE(flags.client_cert("r.io:5000").find("/etc/docker/certs.d/r.io:5000/"), std::string::npos);
  EXPECT_EQ(flags.client_cert("r.io").find("client_cert:"), std::string::npos);
  EXPECT_NE(file.client_cert("r.io").find("`client_cert:` and `client_key:` under"), std::string::npos);
}
