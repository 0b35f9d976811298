// The command line as a person meets it: a host that is not a registry is named as such, not as a missing
// manifest, and `tags` names the repository it could not list; `logout` undoes `login`; a mistyped command gets a
// suggestion; sizes and durations take units; every command takes --log-level and --log-format.
#include "tests/integration/helpers.hpp"
#include "tests/support/loopback_server.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

#include <sys/stat.h>

#include <sstream>

using namespace ocimirror::testing;
namespace fs = std::filesystem;
namespace http = boost::beast::http;

namespace {

const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";

TEST(Cli, AHostThatIsNotARegistryIsSaidToBeOne) {
  loopback_server web([](loopback_server::request& req) {
    loopback_server::response res{http::status::not_found, req.version()};
    res.set(http::field::content_type, "text/html; charset=utf-8");
    res.body() = "<html><body>Not Found</body></html>";
    res.prepare_payload();
    return res;
  });
  for (std::vector<std::string> args :
       {std::vector<std::string>{"inspect", "--plain-http", web.host() + "/acme/app:v1"},
        std::vector<std::string>{"tags", "--plain-http", web.host() + "/acme/app"}}) {
    auto r = cli(args);
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_NE(
        r.err.find(web.host() + " is not an OCI registry: GET http://" + web.host() + "/v2/ answered 404 text/html"),
        std::string::npos)
        << r.err;
    EXPECT_EQ(r.err.find("not found"), std::string::npos) << r.err;
  }
  registry_fixture reg({});  // a real registry's 404 is still "not found", exit 3
  auto r = cli({"inspect", "--plain-http", reg.host() + "/acme/app:v1"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_EQ(r.err.find("not an OCI registry"), std::string::npos) << r.err;
}

TEST(Cli, TagsErrorsNameTheRepository) {
  registry_fixture reg({});
  auto r = cli({"tags", "--plain-http", reg.host() + "/acme/nothing"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("repository " + reg.host() + "/acme/nothing not found (NAME_UNKNOWN"), std::string::npos)
      << r.err;
  r = cli({"tags", "--plain-http", "--timeout", "2s", "127.0.0.1:1/acme/app"});
  EXPECT_EQ(r.exit_code, 5) << r.err;
  EXPECT_NE(r.err.find("tags of 127.0.0.1:1/acme/app: "), std::string::npos) << r.err;
  // The client names the repository itself, so every command listing tags says which one is missing.
  r = cli({"inventory", "--plain-http", reg.host() + "/acme/nothing"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("repository " + reg.host() + "/acme/nothing not found (NAME_UNKNOWN"), std::string::npos)
      << r.err;
}

TEST(Cli, LogoutRemovesOnlyThatRegistrysCredentials) {
  const auto dir = make_temp_dir("ocimirror-logout");
  std::ofstream(dir + "/config.json")
      << R"({"auths":{"r.example":{"auth":"dTpw"},"https://q.example":{"auth":"dTpw"}},)"
      << R"("psFormat":"table"})";
  const std::map<std::string, std::string> env{{"DOCKER_CONFIG", dir}};
  auto r = cli({"logout", "q.example"}, env);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Removed the credentials for q.example"), std::string::npos) << r.out;
  auto cfg = boost::json::parse(slurp_file(dir + "/config.json")).as_object();
  EXPECT_TRUE(cfg.at("auths").as_object().contains("r.example"));
  EXPECT_FALSE(cfg.at("auths").as_object().contains("https://q.example"));
  EXPECT_EQ(cfg.at("psFormat"), "table") << "other keys are kept";
  struct stat st {};
  ASSERT_EQ(::stat((dir + "/config.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  r = cli({"logout", "q.example"}, env);
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("Not logged in to q.example"), std::string::npos) << r.out;
  EXPECT_EQ(cli({"logout", "q.example/path"}, env).exit_code, 2);
  EXPECT_EQ(cli({"logout"}, env).exit_code, 2);
  fs::remove_all(dir);
}

TEST(Cli, AMistypedCommandGetsASuggestion) {
  auto r = cli({"snyc", "--config", "x.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown command 'snyc'; did you mean 'sync'?"), std::string::npos) << r.err;
  r = cli({"mirror"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err.find("did you mean"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("logout"), std::string::npos) << "the commands are listed";
}

TEST(Cli, SizesAndDurationsTakeUnits) {
  auto help = cli({"copy", "--help"});
  for (const char* shown : {"--timeout arg (=1m)", "--deadline arg (=5m)", "--min-rate arg (=1KiB)",
                            "--monolithic-max arg (=32MiB)", "--part-size arg (=4MiB)", "--log-level arg (=info)"})
    EXPECT_NE(help.out.find(shown), std::string::npos) << shown << "\n" << help.out;
  auto r = cli({"tags", "--timeout", "5x", "127.0.0.1:1/x"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--timeout '5x' is not a duration"), std::string::npos) << r.err;
  r = cli({"copy", "--chunk-size", "8XB", "a.example/x:1", "b.example/x:1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--chunk-size '8XB' is not a size"), std::string::npos) << r.err;

  // A 300 KB layer over a 64KiB single-PUT limit, sent in 64KiB chunks: several PATCHes.
  registry_fixture src({}), dst({.access_log = true});
  seeder s({src.host()});
  s.image("acme/app", "v1", image_spec{.layers = {{gz, std::string(300000, 'c')}}});
  r = cli({"copy", "--plain-http", "--monolithic-max", "64KiB", "--chunk-size", "64KiB", "--timeout", "30s",
           src.host() + "/acme/app:v1", dst.host() + "/acme/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::size_t patches = 0;
  for (const auto& line : dst.requests()) patches += line.starts_with("PATCH ");
  EXPECT_GE(patches, 4u) << "300000 bytes in 65536-byte chunks";
}

TEST(Cli, EveryCommandTakesLogLevelAndFormat) {
  for (const char* c : {"copy", "inspect", "tags", "login", "logout", "push", "pull", "sync", "daemon", "inventory",
                        "check", "cache"}) {
    auto help = cli({c, "--help"});
    EXPECT_NE(help.out.find("--log-level"), std::string::npos) << c;
    EXPECT_NE(help.out.find("--log-format"), std::string::npos) << c;
  }
  registry_fixture reg({});
  seeder s({reg.host()});
  s.image("acme/app", "v1", image_spec{.layers = {{gz, "app"}}});
  auto r =
      cli({"inspect", "--plain-http", "--log-level", "debug", "--log-format", "json", reg.host() + "/acme/app:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.err);
  std::size_t http_lines = 0;
  for (std::string line; std::getline(lines, line);) {
    auto v = boost::json::parse(line).as_object();  // every log line is one JSON object
    http_lines += v.at("msg") == "http";
  }
  EXPECT_GE(http_lines, 1u) << r.err;
  r = cli({"tags", "--log-level", "loud", reg.host() + "/acme/app"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("--log-level must be debug, info, warn or error"), std::string::npos) << r.err;
}

}  // namespace
