#include "cache/sync_state.hpp"

#include <gtest/gtest.h>

#include <fstream>

using namespace ocimirror::cache;
namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("ocimirror-state-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}
}  // namespace

TEST(SyncState, SavesAndLoadsAtomically) {
  auto dir = fresh_dir("roundtrip");
  auto s = sync_state::load(dir, "p1");
  EXPECT_TRUE(s.records().empty());
  EXPECT_TRUE(s.warning().empty());
  s.put({"mirror/app", "v1"}, {"acme/app", "sha256:a", "sha256:b", 42});
  s.save();
  EXPECT_EQ(fs::status(dir / "policies" / "p1.json").permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  auto t = sync_state::load(dir, "p1");
  ASSERT_NE(t.find({"mirror/app", "v1"}), nullptr);
  EXPECT_EQ(t.find({"mirror/app", "v1"})->destination_digest, "sha256:b");
  EXPECT_EQ(t.find({"mirror/app", "v1"})->time, 42);
  t.erase({"mirror/app", "v1"});
  t.save();
  EXPECT_TRUE(sync_state::load(dir, "p1").records().empty());
  EXPECT_TRUE(sync_state::load(dir, "other").records().empty());  // one file per policy
  fs::remove_all(dir);
}

TEST(SyncState, CorruptFileIsMovedAsideNotFatal) {
  auto dir = fresh_dir("corrupt");
  fs::create_directories(dir / "policies");
  std::ofstream(dir / "policies" / "p.json") << "{\"version\":1,\"tags\":[{\"repository\":";
  auto ro = sync_state::load(dir, "p", /*read_only=*/true);  // dry runs leave it where it is
  EXPECT_NE(ro.warning().find("unreadable"), std::string::npos);
  EXPECT_TRUE(fs::exists(dir / "policies" / "p.json"));
  auto s = sync_state::load(dir, "p");
  EXPECT_TRUE(s.records().empty());
  EXPECT_NE(s.warning().find("moved to"), std::string::npos);
  EXPECT_FALSE(fs::exists(dir / "policies" / "p.json"));
  int aside = 0;
  for (const auto& e : fs::directory_iterator(dir / "policies")) aside += e.path().string().find(".corrupt-") != std::string::npos;
  EXPECT_EQ(aside, 1);
  fs::remove_all(dir);
}
