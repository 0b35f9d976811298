#include "transfer/oci/errors.hpp"
#include "transfer/oci/json_numbers.hpp"
#include "transfer/oci/layout_index.hpp"
#include "transfer/oci/manifest.hpp"

#include <boost/json.hpp>
#include <gtest/gtest.h>

using namespace ocimirror::transfer;
namespace json = boost::json;

namespace {
const std::string entry_head =
    R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":)"
    R"("application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
    std::string(64, 'a') + R"(","size":2,"platform":{"os":"linux","architecture":"amd64"},)";
}

TEST(JsonNumbers, WritingTwiceChangesNothing) {
  // Boost.JSON 1.81 reads 1.5555555555555555E22 back as ...557E22: settled, the second write equals the first.
  auto v = json::parse(R"({"a":[155555555555555555555555.5555,1.5,-0.25,7]})");
  ASSERT_TRUE(settle_numbers(v).empty());
  const auto once = json::serialize(v);
  auto again = json::parse(once);
  ASSERT_TRUE(settle_numbers(again).empty());
  EXPECT_EQ(json::serialize(again), once);
  EXPECT_EQ(again.at("a").at(3).as_int64(), 7);
}

TEST(JsonNumbers, NumbersTooLargeForADoubleAreNamed) {
  auto v = json::parse(R"({"manifests":[{"x":1e400}]})");
  EXPECT_EQ(settle_numbers(v), ".manifests[0].x");
  auto odd = json::parse("{\"k\\u0007ey\":[1e999]}");
  EXPECT_EQ(settle_numbers(odd), ".(a key)[0]");  // a key from a registry is not echoed unless it is plain
}

TEST(JsonNumbers, LayoutIndexWithAHugeNumberIsRefusedNotWrittenAsInfinity) {
  auto idx = layout_index::parse(entry_head + R"("x":1e400}]})");
  ASSERT_FALSE(idx);
  EXPECT_NE(idx.error().find("index.json: the number at .manifests[0].x"), std::string::npos) << idx.error();
  auto drift = layout_index::parse(entry_head + R"("x":155555555555555555555555.5555}]})");
  ASSERT_TRUE(drift) << drift.error();
  auto back = layout_index::parse(drift->render());
  ASSERT_TRUE(back);
  EXPECT_EQ(back->render(), drift->render());
}

TEST(JsonNumbers, FilteredIndexWithAHugeNumberIsRefused) {
  const auto bytes = entry_head + R"("x":1e400}]})";
  ASSERT_TRUE(parse_manifest(bytes, media::oci_index));
  EXPECT_THROW(filter_index(bytes, {true}, "sha256:" + std::string(64, 'b')), ocimirror::transfer::error);
}
