#include "cache/store.hpp"

#include "transfer/oci/errors.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <fstream>

using namespace ocimirror::cache;
namespace fs = std::filesystem;

namespace {
fs::path fresh_dir(const std::string& name) {
  auto d = fs::temp_directory_path() / ("ocimirror-cache-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  return d;
}
const std::string d1 = "sha256:" + std::string(64, 'a'), d2 = "sha256:" + std::string(64, 'b');

int entries_named(const fs::path& dir, const std::string& part) {
  int n = 0;
  for (const auto& e : fs::directory_iterator(dir)) n += e.path().filename().string().find(part) != std::string::npos;
  return n;
}
}  // namespace

TEST(CacheStore, KeepsEachKindAcrossReopen) {
  auto dir = fresh_dir("roundtrip");
  std::string warning;
  {
    auto s = store::open(dir, store::mode::read_write, warning);
    EXPECT_TRUE(s->tags("p1").empty());
    s->put_tag("p1", {"mirror/app", "v1"},
               {"acme/app", d1, d2, "application/vnd.oci.image.config.v1+json", "linux/amd64", 42});
    s->put_tag("p1", {"mirror/app", "v2"}, {"acme/app", d1, d1, "", "", 43});
    s->put_tag("p10", {"mirror/app", "v1"}, {"acme/app", d2, d2, "", "", 44});  // a prefix of another policy's name
    s->put_holder("reg:5000", d1, "mirror/app");
    s->put_holder("reg:5000", d1, "mirror/other");
    s->put_holder("reg:5000", d2, "mirror/app");
    s->put_upload("reg:5000", "mirror/app", d1, {"http://reg:5000/v2/mirror/app/blobs/uploads/u?_state=x", 1 << 20, 7});
  }
  EXPECT_TRUE(warning.empty());
  EXPECT_EQ(fs::status(dir).permissions() & fs::perms::all, fs::perms::owner_all);
  EXPECT_EQ(fs::status(dir / "cache").permissions() & fs::perms::all, fs::perms::owner_all);
  auto s = store::open(dir, store::mode::read_write, warning);
  auto tags = s->tags("p1");
  ASSERT_EQ(tags.size(), 2u);
  EXPECT_EQ(tags.at({"mirror/app", "v1"}).destination_digest, d2);
  EXPECT_EQ(tags.at({"mirror/app", "v1"}).artifact_type, "application/vnd.oci.image.config.v1+json");
  EXPECT_EQ(tags.at({"mirror/app", "v1"}).platforms, "linux/amd64");
  EXPECT_EQ(tags.at({"mirror/app", "v1"}).time, 42);
  EXPECT_EQ(s->tags("p10").size(), 1u);
  EXPECT_EQ(s->holders("reg:5000", d1), (std::vector<std::string>{"mirror/app", "mirror/other"}));
  EXPECT_TRUE(s->holders("other:5000", d1).empty());
  auto up = s->upload("reg:5000", "mirror/app", d1);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->offset, 1u << 20);
  EXPECT_FALSE(s->upload("reg:5000", "mirror/app", d2));

  s->erase_tag("p1", {"mirror/app", "v2"});
  s->erase_holder("reg:5000", d1, "mirror/other");
  s->erase_upload("reg:5000", "mirror/app", d1);
  EXPECT_EQ(s->tags("p1").size(), 1u);
  EXPECT_EQ(s->holders("reg:5000", d1).size(), 1u);
  EXPECT_FALSE(s->upload("reg:5000", "mirror/app", d1));
  auto st = s->stats();
  EXPECT_EQ(st.tags_per_policy.at("p1"), 1u);
  EXPECT_EQ(st.tags_per_policy.at("p10"), 1u);
  EXPECT_EQ(st.blob_locations, 2u);
  EXPECT_EQ(st.upload_sessions, 0u);
  EXPECT_GT(st.bytes_on_disk, 0u);
  EXPECT_TRUE(s->verify().empty());
  EXPECT_EQ(s->erase_policy("p1"), 1u);
  EXPECT_TRUE(s->tags("p1").empty());
  EXPECT_EQ(s->tags("p10").size(), 1u);
  s.reset();
  fs::remove_all(dir);
}

TEST(CacheStore, DamagedCacheIsMovedAsideAndRebuilt) {
  auto dir = fresh_dir("corrupt");
  std::string warning;
  store::open(dir, store::mode::read_write, warning)->put_tag("p", {"r", "t"}, {"s", d1, d1, "", "", 1});
  std::ofstream(dir / "cache" / "CURRENT", std::ios::trunc) << "garbage";
  auto ro = store::open(dir, store::mode::read_only, warning);  // dry runs leave it where it is
  EXPECT_NE(warning.find("unreadable"), std::string::npos) << warning;
  EXPECT_TRUE(ro->tags("p").empty());
  EXPECT_EQ(entries_named(dir, "corrupt"), 0);
  ro.reset();
  warning.clear();
  auto s = store::open(dir, store::mode::read_write, warning);
  EXPECT_NE(warning.find("moved to"), std::string::npos) << warning;
  EXPECT_TRUE(s->tags("p").empty());
  EXPECT_EQ(entries_named(dir, "cache.corrupt-"), 1);
  s->put_tag("p", {"r", "t"}, {"s", d1, d1, "", "", 1});  // the new one works
  EXPECT_EQ(s->tags("p").size(), 1u);
  s.reset();
  fs::remove_all(dir);
}

TEST(CacheStore, EveryFileGarbledStillOpens) {
  auto dir = fresh_dir("garbled");
  std::string warning;
  {
    auto s = store::open(dir, store::mode::read_write, warning);
    for (int i = 0; i < 200; ++i) s->put_holder("reg", d1, "repo/" + std::to_string(i));
  }
  for (const auto& e : fs::directory_iterator(dir / "cache")) {
    if (!e.is_regular_file() || e.path().filename() == "LOCK") continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(e.file_size() / 2));
    f << "\xff\x01garbage\xfe";
  }
  warning.clear();
  auto s = store::open(dir, store::mode::read_write, warning);
  ASSERT_NE(s, nullptr);
  EXPECT_TRUE(s->verify().empty());  // whatever it kept, what it has now is sound
  s.reset();
  fs::remove_all(dir);
}

TEST(CacheStore, InUseByAnotherProcessIsNamedNotBroken) {
  auto dir = fresh_dir("locked");
  std::string warning;
  store::open(dir, store::mode::read_write, warning).reset();
  int ready[2];
  ASSERT_EQ(::pipe(ready), 0);
  pid_t child = ::fork();
  if (child == 0) {
    std::string w;
    auto held = store::open(dir, store::mode::read_write, w);
    [[maybe_unused]] auto n = ::write(ready[1], "x", 1);
    ::pause();
    ::_exit(0);
  }
  char c;
  ASSERT_EQ(::read(ready[0], &c, 1), 1);
  try {
    store::open(dir, store::mode::read_write, warning);
    ADD_FAILURE() << "opened a cache another process holds";
  } catch (const ocimirror::transfer::error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by process " + std::to_string(child)), std::string::npos) << e.what();
  }
  EXPECT_EQ(entries_named(dir, "corrupt"), 0);                  // a busy cache is never mistaken for a broken one
  auto ro = store::open(dir, store::mode::read_only, warning);  // stats work beside a running daemon
  EXPECT_NE(ro, nullptr);
  ::kill(child, SIGKILL);
  ::waitpid(child, nullptr, 0);
  ::close(ready[0]);
  ::close(ready[1]);
  fs::remove_all(dir);
}
