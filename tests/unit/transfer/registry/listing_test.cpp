#include "transfer/registry/listing.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/reference.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;
using outcome = list_pager::outcome;

namespace {
list_pager tags_pager(listing_limits l = {}) {
  return list_pager(
      "http://r/v2/a/tags/list?n=2", "tags", [](std::string_view t) { return is_valid_tag(t); }, l);
}
}  // namespace

TEST(ListPager, FollowsLinksDeDuplicatesAndEndsOnALoop) {
  auto p = tags_pager();
  EXPECT_EQ(p.add(R"({"name":"a","tags":["v1","v2"]})", R"(</v2/a/tags/list?n=2&last=v2>; rel="next")"), outcome::next);
  EXPECT_EQ(p.url(), "http://r/v2/a/tags/list?n=2&last=v2");
  // The next page repeats a tag and links back to the first page: the list ends, nothing twice.
  EXPECT_EQ(p.add(R"({"name":"a","tags":["v2","v3"]})", R"(</v2/a/tags/list?n=2>; rel="next")"), outcome::done);
  EXPECT_EQ(p.pages(), 2u);
  EXPECT_EQ(p.take(), (std::vector<std::string>{"v1", "v2", "v3"}));
}

TEST(ListPager, APageThatLinksToItselfEndsTheList) {
  auto p = tags_pager();
  EXPECT_EQ(p.add(R"({"tags":["v1"]})", R"(</v2/a/tags/list?n=2>; rel="next")"), outcome::done);
  EXPECT_EQ(p.take(), std::vector<std::string>{"v1"});
}

TEST(ListPager, GarbledPagesAreCorruptAndKeepNothing) {
  auto p = tags_pager();
  EXPECT_EQ(p.add(R"({"tags":["v1",)", ""), outcome::corrupt);
  EXPECT_EQ(p.add(R"({"tags":"v1"})", ""), outcome::corrupt);
  EXPECT_EQ(p.add(R"({"tags":["v1","../x"]})", ""), outcome::corrupt);
  EXPECT_NE(p.problem().find("'../x'"), std::string::npos) << p.problem();
  EXPECT_EQ(p.add("{\"tags\":[\"v1\",\"a\\u001b[31m\"]}", ""), outcome::corrupt);
  EXPECT_NE(p.problem().find("\\x1b"), std::string::npos) << p.problem();
  EXPECT_EQ(p.pages(), 0u);
  // A flipped byte in the key, or a name garbled into another name on the page: never read as fewer tags.
  EXPECT_EQ(p.add(R"({"name":"a","tagq":["v1","v2"]})", ""), outcome::corrupt);
  EXPECT_NE(p.problem().find("without 'tags'"), std::string::npos) << p.problem();
  EXPECT_EQ(p.add(R"({"tags":["v1","v1"]})", ""), outcome::corrupt);
  EXPECT_NE(p.problem().find("'v1' twice"), std::string::npos) << p.problem();
  EXPECT_EQ(p.pages(), 0u);
  EXPECT_EQ(p.add(R"({"tags":null})", ""), outcome::done);  // distribution's answer for a repository with no tags
  EXPECT_TRUE(p.take().empty());
}

TEST(ListPager, EveryBoundRefusesTheWholeList) {
  auto few = tags_pager({.max_entries = 3, .max_pages = 100, .max_bytes = 1 << 20});
  EXPECT_EQ(few.add(R"({"tags":["a","b"]})", R"(</p2>; rel="next")"), outcome::next);
  EXPECT_EQ(few.add(R"({"tags":["c","d"]})", R"(</p3>; rel="next")"), outcome::refused);
  EXPECT_NE(few.problem().find("more than 3 tags"), std::string::npos);
  // One new tag per page, forever: the page bound ends it.
  auto pages = tags_pager({.max_entries = 1000, .max_pages = 5, .max_bytes = 1 << 20});
  outcome last = outcome::next;
  for (int i = 0; i < 10 && last == outcome::next; ++i)
    last =
        pages.add(R"({"tags":["t)" + std::to_string(i) + R"("]})", "</p" + std::to_string(i + 2) + R"(>; rel="next")");
  EXPECT_EQ(last, outcome::refused);
  EXPECT_EQ(pages.pages(), 5u);
  auto bytes = tags_pager({.max_entries = 1000, .max_pages = 100, .max_bytes = 64});
  EXPECT_EQ(bytes.add(R"({"tags":[")" + std::string(100, 'x') + R"("]})", ""), outcome::refused);
}

TEST(Printable, EscapesWhatATerminalOrALogWouldObey) {
  EXPECT_EQ(printable("ok"), "ok");
  EXPECT_EQ(printable("a\nb\x1b[2J\\"), "a\\x0ab\\x1b[2J\\x5c");
  EXPECT_EQ(printable(std::string(300, 'x'), 10), std::string(10, 'x') + "...");
}
