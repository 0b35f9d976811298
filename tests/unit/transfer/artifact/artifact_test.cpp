// The manifests and configs push writes, from the Go that flux and helm run: fluxcd/pkg oci/push.go Push (with
// go-containerregistry's mutate: config created/history/rootfs, descriptor field order mediaType, size, digest)
// and helm's pkg/registry/client.go Push (ocispec.Manifest without mediaType, layers sorted by digest).
#include "transfer/artifact/artifact.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;
namespace art = ocimirror::transfer::artifact;

TEST(Artifact, Rfc3339AsGoParsesAndMarshalsIt) {
  EXPECT_EQ(art::rfc3339("2026-11-28T09:30:00Z"), "2026-11-28T09:30:00Z");
  EXPECT_EQ(art::rfc3339("2026-11-28T09:30:00.120000Z"), "2026-11-28T09:30:00.12Z");  // RFC3339Nano trims zeros
  EXPECT_EQ(art::rfc3339("2026-11-28T09:30:00.000Z"), "2026-11-28T09:30:00Z");
  EXPECT_EQ(art::rfc3339("2026-11-28T09:30:00+01:00"), "2026-11-28T09:30:00+01:00");
  EXPECT_EQ(art::rfc3339("2026-11-28T09:30:00+00:00"), "2026-11-28T09:30:00Z");
  EXPECT_EQ(art::rfc3339("2024-02-29T00:00:00Z"), "2024-02-29T00:00:00Z");
  for (auto bad : {"", "yesterday", "2026-11-28", "2026-11-28 09:30:00Z", "2026-11-28T09:30:00", "2026-13-01T00:00:00Z",
                   "2026-02-29T00:00:00Z", "2026-11-28T24:00:00Z", "2026-11-28T09:30:00.Z", "2026-11-28T09:30:00z",
                   "2026-11-28T09:30:00+0100", "2026-11-28T09:30:00Zjunk"})
    EXPECT_FALSE(art::rfc3339(bad)) << bad;
}

TEST(Artifact, FluxConfigAndManifestAsGoContainerregistryWritesThem) {
  const std::string tar(1024, '\0');
  const auto b = art::flux(tar, {{"org.opencontainers.image.created", "2026-11-28T09:30:00.500+00:00"},
                                 {"org.opencontainers.image.source", "https://git.example/a"},
                                 {"org.opencontainers.image.revision", "main@sha1:1"}});
  EXPECT_EQ(b.config.bytes,
            R"({"architecture":"","created":"2026-11-28T09:30:00.5Z","history":[{"created":"0001-01-01T00:00:00Z"}],)"
            R"("os":"","rootfs":{"type":"layers","diff_ids":[")" +
                sha256_digest(tar) + R"("]},"config":{}})");
  ASSERT_EQ(b.layers.size(), 1u);
  EXPECT_EQ(
      b.manifest,
      R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",)"
      R"("config":{"mediaType":"application/vnd.cncf.flux.config.v1+json","size":)" +
          std::to_string(b.config.bytes.size()) + R"(,"digest":")" + b.config.digest +
          R"("},)"
          R"("layers":[{"mediaType":"application/vnd.cncf.flux.content.v1.tar+gzip","size":)" +
          std::to_string(b.layers[0].bytes.size()) + R"(,"digest":")" + b.layers[0].digest +
          R"("}],)"
          R"("annotations":{"org.opencontainers.image.created":"2026-11-28T09:30:00.500+00:00",)"
          R"("org.opencontainers.image.revision":"main@sha1:1","org.opencontainers.image.source":"https://git.example/a"}})");
  EXPECT_THROW(art::flux(tar, {{"org.opencontainers.image.created", "now"}}), error);
}

TEST(Artifact, HelmManifestAsHelmPushWritesIt) {
  auto meta = helm::parse("apiVersion: v2\nname: web\nversion: 1.0.0+b\n");
  ASSERT_TRUE(meta);
  const std::string chart = "chart-bytes", prov = "prov-bytes";
  const auto b = art::helm(chart, prov, *meta, "2026-11-28T09:30:00Z");
  EXPECT_EQ(b.tag, "1.0.0_b");
  EXPECT_EQ(b.name, "web");
  EXPECT_EQ(b.config.bytes, R"({"name":"web","version":"1.0.0+b","apiVersion":"v2"})");
  ASSERT_EQ(b.layers.size(), 2u);
  EXPECT_LT(b.layers[0].digest, b.layers[1].digest);  // sorted by digest, as helm sorts them
  auto desc = [](const art::blob& x) {
    return R"({"mediaType":")" + x.media_type + R"(","digest":")" + x.digest + R"(","size":)" +
           std::to_string(x.bytes.size()) + "}";
  };
  EXPECT_EQ(b.manifest, R"({"schemaVersion":2,"config":)" + desc(b.config) + R"(,"layers":[)" + desc(b.layers[0]) +
                            "," + desc(b.layers[1]) +
                            R"(],"annotations":{"org.opencontainers.image.created":"2026-11-28T09:30:00Z",)"
                            R"("org.opencontainers.image.title":"web","org.opencontainers.image.version":"1.0.0+b"}})");
  const auto without = art::helm(chart, std::nullopt, *meta, "2026-11-28T09:30:00Z");
  ASSERT_EQ(without.layers.size(), 1u);
  EXPECT_EQ(without.layers[0].media_type, art::media::helm_chart);
}
