// A 300 MiB blob, streamed through in bounded memory, by streamed PATCH and by fixed-size chunks.
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"

using namespace ocimirror::testing;

TEST(LargeBlob, ThreeHundredMiBCopiesDigestExact) {
  registry_fixture src({}), dst({});
  seeder s({src.host()});
  auto layer = s.big_blob("big", "application/vnd.oci.image.layer.v1.tar", 300ull << 20, 7);
  auto cfg = s.blob("big", "application/vnd.oci.image.config.v1+json", "{}");
  auto m = s.manifest("big", "v1", seeder::image_json({}, cfg, {layer}), std::string(ocimirror::transfer::media::oci_manifest));

  auto r = cli({"copy", "--plain-http", "-q", src.host() + "/big:v1", dst.host() + "/big:v1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(first_line(r.out), m.digest);
  EXPECT_EQ(skopeo_digest(dst.host() + "/big:v1"), m.digest);
  EXPECT_TRUE(storage_has_blob(dst.storage(), layer.digest));

  auto chunked = cli({"copy", "--plain-http", "-q", "--chunk-size", std::to_string(64u << 20),
                            "--monolithic-max", "0", src.host() + "/big:v1", dst.host() + "/chunked/big:v1"});
  ASSERT_EQ(chunked.exit_code, 0) << chunked.err;
  EXPECT_EQ(skopeo_digest(dst.host() + "/chunked/big:v1"), m.digest);
}
