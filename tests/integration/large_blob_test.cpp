// A 1 GiB blob, streamed through in bounded memory: parallel ranged GETs with chunked PATCH uploads, and one GET
// with one streamed PATCH (the default). Peak memory stays far below the blob's size.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

#include <boost/json.hpp>

using namespace ocimirror::testing;

namespace {
void expect_copied(const run_result& r, const std::string& digest) {
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto o = boost::json::parse(r.out).as_object();
  EXPECT_EQ(o.at("digest").as_string(), digest);
  EXPECT_EQ(o.at("bytes").to_number<std::uint64_t>(), (1ull << 30) + 2);
#ifndef OCIMIRROR_SANITIZED  // ASan's quarantine holds freed buffers, so RSS says nothing about the code there
  EXPECT_LE(o.at("peakRssBytes").to_number<std::uint64_t>(), 64ull << 20) << "memory grew with the blob";
#endif
}
}  // namespace

TEST(LargeBlob, OneGiBRangedAndChunkedOrStreamedDigestExact) {
  registry_fixture src({}), dst({});
  seeder s({src.host()});
  auto layer = s.big_blob("big", "application/vnd.oci.image.layer.v1.tar", 1ull << 30, 7);
  auto cfg = s.blob("big", "application/vnd.oci.image.config.v1+json", "{}");
  auto m = s.manifest("big", "v1", seeder::image_json({}, cfg, {layer}),
                      std::string(ocimirror::transfer::media::oci_manifest));

  // Ranged GETs (4 MiB parts, 4 at once) and 64 MiB PATCH chunks.
  auto ranged =
      cli({"copy", "--plain-http", "-q", "-o", "json", "--chunk-size", std::to_string(64u << 20), "--ranged-threshold",
           std::to_string(256u << 20), src.host() + "/big:v1", dst.host() + "/ranged/big:v1"});
  expect_copied(ranged, m.digest);
  EXPECT_EQ(skopeo_digest(dst.host() + "/ranged/big:v1"), m.digest);
  EXPECT_TRUE(storage_has_blob(dst.storage(), layer.digest));

  // One GET, one streamed PATCH.
  auto streamed =
      cli({"copy", "--plain-http", "-q", "-o", "json", src.host() + "/big:v1", dst.host() + "/streamed/big:v1"});
  expect_copied(streamed, m.digest);
  EXPECT_EQ(skopeo_digest(dst.host() + "/streamed/big:v1"), m.digest);
}
