#include "daemon/cli/progress_view.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::daemon;

namespace {

progress_snapshot busy() {
  progress_snapshot s;
  s.tags_done = 12, s.tags_total = 66;
  s.blobs_done = 30, s.blobs_total = 120;
  s.bytes_done = 300ull << 20, s.bytes_total = 900ull << 20;
  s.rate = 100.0 * (1 << 20);
  s.elapsed = 3;
  for (int i = 0; i < 11; ++i)
    s.moving.push_back({"mirror/team/some-rather-long-repository-name-" + std::to_string(i) + "@sha256:0123456789ab",
                        std::uint64_t(i) << 20, 40ull << 20});
  return s;
}

}  // namespace

TEST(ProgressView, EveryLineFitsTheTerminalHoweverNarrow) {
  for (std::size_t width : {1, 2, 10, 20, 33, 40, 60, 80, 120, 300}) {
    const auto lines = terminal_lines(busy(), width, 8);
    ASSERT_EQ(lines.size(), 8u + 1 + 1) << "8 blobs, '+3 more', the overall line";
    for (const auto& l : lines) EXPECT_LE(l.size(), std::max<std::size_t>(width, 2) - 1) << width << ": " << l;
  }
  const auto wide = terminal_lines(busy(), 120, 8);
  EXPECT_NE(wide[5].find("[###."), std::string::npos) << "a bar when there is room: " << wide[5];
  EXPECT_NE(wide[1].find("1.0 MiB/40.0 MiB"), std::string::npos) << wide[1];
  EXPECT_EQ(wide[8], "  +3 more");
  EXPECT_EQ(wide[9].rfind("tags 12/66, blobs 30/120, 300.0 MiB of 900.0 MiB, 100.0 MiB/s, ETA ", 0), 0u) << wide[9];
  const auto narrow = terminal_lines(busy(), 40, 8);
  EXPECT_EQ(narrow[0].find('['), std::string::npos) << "no room for a bar: " << narrow[0];
  EXPECT_TRUE(narrow[1].ends_with(" 1.0 MiB/40.0 MiB   2%")) << "the name gives way, the sizes stay: " << narrow[1];
  EXPECT_EQ(narrow[1], "  mirror/team/... 1.0 MiB/40.0 MiB   2%");
}

TEST(ProgressView, EtaFromWhatIsKnownAndFromTheTagsStillToCome) {
  auto s = busy();
  // 600 MiB of known blobs left at 100 MiB/s is 6 s; 54 tags left at 25 MiB a tag so far says 13.5 s: the larger.
  EXPECT_DOUBLE_EQ(eta_seconds(s), 13.5);
  s.tags_total = 0;  // a single copy: what is known is all there is
  EXPECT_DOUBLE_EQ(eta_seconds(s), 6.0);
  s.rate = 0;
  EXPECT_LT(eta_seconds(s), 0) << "no rate yet: no ETA";
  EXPECT_EQ(summary_line(s).find("ETA"), std::string::npos);
  s.rate = 1;
  s.bytes_done = s.bytes_total;
  EXPECT_LT(eta_seconds(s), 0);
}

TEST(ProgressView, DurationsAndBars) {
  EXPECT_EQ(duration_text(0), "0s");
  EXPECT_EQ(duration_text(42.4), "42s");
  EXPECT_EQ(duration_text(185), "3m05s");
  EXPECT_EQ(duration_text(7620), "2h07m");
  EXPECT_EQ(duration_text(-1), "?");
  EXPECT_EQ(duration_text(1e12), "?");
  EXPECT_EQ(duration_text(std::numeric_limits<double>::quiet_NaN()), "?");
  EXPECT_EQ(bar(0.5, 12), "[#####.....]");
  EXPECT_EQ(bar(2, 5), "[###]");
  EXPECT_EQ(bar(-1, 5), "[...]");
  EXPECT_EQ(bar(0.5, 0), "[.]");
}

TEST(ProgressView, TheSummaryIsOneLineWithTheTimeSoFar) {
  const auto line = summary_line(busy());
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(
      line.rfind("progress: tags 12/66, blobs 30/120, 300.0 MiB of 900.0 MiB, 100.0 MiB/s, ETA 14s, 3s so far", 0), 0u)
      << line;
}
