#include "transfer/oci/manifest.hpp"
#include "transfer/oci/digest.hpp"

#include <gtest/gtest.h>
#include <boost/json.hpp>

using namespace ocimirror::transfer;

namespace {
const std::string d1 = "sha256:" + std::string(64, '1');
const std::string d2 = "sha256:" + std::string(64, '2');
}  // namespace

TEST(Manifest, ParsesOciImage) {
  std::string m = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "artifactType":"application/x-thing","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":")" +
                  d1 + R"(","size":12},"layers":[{"mediaType":"l","digest":")" + d2 +
                  R"(","size":0}],"annotations":{"k":"v"}})";
  auto r = parse_manifest(m, "");
  ASSERT_TRUE(r) << r.error();
  EXPECT_FALSE(r->is_index());
  EXPECT_EQ(r->artifact_type, "application/x-thing");
  ASSERT_EQ(r->blobs().size(), 2u);
  EXPECT_EQ(r->layers[0].size, 0u);
  EXPECT_EQ(r->annotations.at(0).second, "v");
}

TEST(Manifest, MediaTypeFromContentTypeOrShape) {
  std::string idx = R"({"schemaVersion":2,"manifests":[{"mediaType":"x","digest":")" + d1 +
                    R"(","size":3,"platform":{"os":"linux","architecture":"arm64","variant":"v8"}}]})";
  auto r = parse_manifest(idx, "application/vnd.docker.distribution.manifest.list.v2+json; charset=utf-8");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->media_type, media::docker_list);
  EXPECT_EQ(r->manifests[0].platform->str(), "linux/arm64/v8");
  auto shape = parse_manifest(idx, "application/json");
  ASSERT_TRUE(shape);
  EXPECT_EQ(shape->media_type, media::oci_index);
}

TEST(Manifest, RejectsBadInputWithReasons) {
  EXPECT_NE(parse_manifest("{", "").error().find("not valid JSON"), std::string::npos);
  EXPECT_NE(parse_manifest("[]", "").error().find("not a JSON object"), std::string::npos);
  EXPECT_NE(parse_manifest(
                R"({"schemaVersion":1,"mediaType":"application/vnd.docker.distribution.manifest.v1+prettyjws"})", "")
                .error()
                .find("Docker schema 1"),
            std::string::npos);
  // Served the way distribution serves schema 1: no mediaType in the body, only the Content-Type, or neither.
  const std::string v1 = R"({"schemaVersion":1,"name":"library/x","tag":"v1","fsLayers":[],"signatures":[]})";
  EXPECT_NE(parse_manifest(v1, "application/vnd.docker.distribution.manifest.v1+prettyjws")
                .error()
                .find("skopeo copy --format v2s2"),
            std::string::npos);
  EXPECT_NE(parse_manifest(v1, "").error().find("Docker schema 1"), std::string::npos);
  EXPECT_NE(parse_manifest(v1, "application/json").error().find("Docker schema 1"), std::string::npos);
  EXPECT_NE(
      parse_manifest(
          R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":"sha256:../../etc","size":1}})",
          "")
          .error()
          .find("config has digest"),
      std::string::npos);
  EXPECT_NE(parse_manifest(R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"digest":")" + d1 +
                               R"(","size":-1}})",
                           "")
                .error()
                .find("no valid size"),
            std::string::npos);
  EXPECT_NE(parse_manifest(R"({"mediaType":"text/plain"})", "").error().find("unsupported"), std::string::npos);
}

TEST(Manifest, FilterIndexKeepsOrderAndRecordsSource) {
  std::string idx = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)"
                    R"({"mediaType":"m","digest":")" +
                    d1 + R"(","size":1},{"mediaType":"m","digest":")" + d2 + R"(","size":2}],"annotations":{"a":"b"}})";
  auto out = filter_index(idx, {false, true}, "sha256:src");
  auto v = boost::json::parse(out).as_object();
  ASSERT_EQ(v["manifests"].as_array().size(), 1u);
  EXPECT_EQ(v["manifests"].as_array()[0].as_object()["digest"].as_string(), d2);
  EXPECT_EQ(v["annotations"].as_object()["a"].as_string(), "b");
  EXPECT_EQ(v["annotations"].as_object()["io.ocimirror.source.digest"].as_string(), "sha256:src");
  EXPECT_EQ(out.find("schemaVersion"), 2u);  // field order kept
}

TEST(Digest, ValidatesAndHashes) {
  EXPECT_TRUE(is_valid_digest(d1));
  EXPECT_FALSE(is_valid_digest("sha256:" + std::string(63, '1')));
  EXPECT_FALSE(is_valid_digest("sha512:" + std::string(64, '1')));
  EXPECT_EQ(sha256_digest(""), "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  sha256 h;
  h.update(std::string_view("ab"));
  h.update(std::string_view("c"));
  EXPECT_EQ(h.finish(), sha256_digest("abc"));
}

TEST(Manifest, AnAmbiguousManifestIsRefusedWithTheFieldsNamed) {
  // CVE-2021-41190: containers/image refuses these ("rejecting ambiguous manifest"), distribution refuses the push.
  const std::string desc = R"({"mediaType":"x","digest":")" + d1 + R"(","size":3})";
  const std::string image_with_manifests = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",
    "config":)" + desc + R"(,"layers":[],"manifests":[)" + desc + "]}";
  auto r = parse_manifest(image_with_manifests, "");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("ambiguous manifest"), std::string::npos) << r.error();
  EXPECT_NE(r.error().find("'manifests'"), std::string::npos) << r.error();
  const std::string index_with_layers = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json",
    "manifests":[)" + desc + R"(],"config":)" + desc + R"(,"layers":[)" + desc + "]}";
  r = parse_manifest(index_with_layers, "");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().find("'config', 'layers'"), std::string::npos) << r.error();
  // No mediaType, both shapes: read as an index by its content type, and still refused.
  const std::string both = R"({"schemaVersion":2,"config":)" + desc + R"(,"layers":[],"manifests":[]})";
  EXPECT_FALSE(parse_manifest(both, "application/vnd.oci.image.index.v1+json"));
  EXPECT_FALSE(parse_manifest(both, "application/vnd.oci.image.manifest.v1+json"));
}
