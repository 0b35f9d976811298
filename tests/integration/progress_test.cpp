// Progress as a person and a log see it: on a terminal (a pseudo-terminal from `script`), a block redrawn in place
// whose every line fits a narrow window; off a terminal, a summary line every OCIMIRROR_PROGRESS_EVERY seconds;
// none with -q or --output json.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <regex>
#include <sstream>

using namespace ocimirror::testing;

namespace {

class Progress : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline std::string ref;

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    seeder s({src->host()});
    // Large enough that a copy on loopback outlasts a few 250 ms ticks of the display.
    std::string layer(160u << 20, '\0');
    for (std::size_t i = 0; i < layer.size(); i += 4096) layer[i] = static_cast<char>(i >> 12);
    s.image("acme/big", "v1", image_spec{.layers = {{"application/vnd.oci.image.layer.v1.tar", layer}}});
    ref = src->host() + "/acme/big:v1";
  }
  static void TearDownTestSuite() { delete src; }

  /// A fresh destination each copy, so every copy moves the bytes.
  static run_result copy(std::vector<std::string> extra, std::map<std::string, std::string> env) {
    registry_fixture dst({});
    std::vector<std::string> args{"copy", "--plain-http"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(ref);
    args.push_back(dst.host() + "/acme/big:v1");
    return cli(args, env);
  }
};

}  // namespace

TEST_F(Progress, OffATerminalASummaryLineEveryFewSeconds) {
  auto r = copy({}, {{"OCIMIRROR_PROGRESS_EVERY", "0.25"}});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("copy: progress: blobs "), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\033'), std::string::npos) << "no terminal codes in a log";
  for (auto quiet : {std::vector<std::string>{"-q"}, std::vector<std::string>{"-o", "json"}}) {
    r = copy(quiet, {{"OCIMIRROR_PROGRESS_EVERY", "0.25"}});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.err.find("progress:"), std::string::npos) << quiet[0] << ": " << r.err;
  }
}

TEST_F(Progress, OnATerminalEveryLineFitsANarrowWindow) {
  registry_fixture dst({});
  // `script` gives the command a pseudo-terminal of no size, so the display takes COLUMNS.
  const std::string command =
      "COLUMNS=36 " + ocimirror_bin() + " copy --plain-http " + ref + " " + dst.host() + "/acme/big:v1";
  auto r = run({"script", "-qfec", command, "/dev/null"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("\033[J"), std::string::npos) << "the block is redrawn in place";
  const std::string plain = std::regex_replace(r.out, std::regex("\033\\[[0-9;]*[A-Za-z]|\r"), "");
  std::istringstream lines(plain);
  int drawn = 0;
  for (std::string line; std::getline(lines, line);) {
    if (line.starts_with("copied ")) continue;  // the result, on stdout
    if (line.find("blobs ") == std::string::npos && line.find("MiB/") == std::string::npos) continue;
    ++drawn;
    EXPECT_LE(line.size(), 35u) << "wider than the window: " << line;
  }
  EXPECT_GT(drawn, 0) << plain;
}
