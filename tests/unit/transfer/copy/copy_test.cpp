// The copy engine between two in-memory endpoints (tests/support/fake_endpoint.hpp): child-first order, what is
// skipped, "only tag it", a filtered index, verify, a lying source, a bundle missing a blob. The registry-only
// capabilities (mounts, resumable uploads, ranged reads) are tested against real registries in tests/integration.
#include "transfer/copy/copy.hpp"
#include "tests/support/fake_endpoint.hpp"
#include "transfer/oci/errors.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

using namespace ocimirror;
using ocimirror::testing::fake_endpoint;

namespace {

template <class T>
T run_sync(transfer::awaitable<T> a) {
  boost::asio::io_context io;
  std::optional<T> out;
  std::exception_ptr failed;
  boost::asio::co_spawn(io, std::move(a), [&](std::exception_ptr e, T v) {
    failed = e;
    if (!e) out = std::move(v);
  });
  io.run();
  if (failed) std::rethrow_exception(failed);
  return std::move(*out);
}

constexpr const char* image_type = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* index_type = "application/vnd.oci.image.index.v1+json";

std::string desc(const std::string& type, const std::string& digest, std::size_t size, const std::string& extra = {}) {
  return R"({"mediaType":")" + type + R"(","digest":")" + digest + R"(","size":)" + std::to_string(size) + extra + "}";
}

struct world {
  fake_endpoint src{"src"}, dst{"dst"};
  std::string shared_layer, index_digest;
  std::vector<std::string> children, blobs;

  world() {
    shared_layer = src.add_blob("shared layer bytes");
    blobs.push_back(shared_layer);
    for (const char* arch : {"amd64", "arm64"}) {
      const auto config = src.add_blob(std::string(R"({"architecture":")") + arch + R"(","os":"linux"})");
      const auto own = src.add_blob(std::string("layer for ") + arch);
      blobs.push_back(config);
      blobs.push_back(own);
      const std::string m =
          R"({"schemaVersion":2,"mediaType":")" + std::string(image_type) + R"(","config":)" +
          desc("application/vnd.oci.image.config.v1+json", config, src.blobs[config].size()) + R"(,"layers":[)" +
          desc("application/vnd.oci.image.layer.v1.tar", shared_layer, src.blobs[shared_layer].size()) + "," +
          desc("application/vnd.oci.image.layer.v1.tar", own, src.blobs[own].size()) + "]}";
      children.push_back(src.add_manifest(m, image_type));
    }
    std::string idx = R"({"schemaVersion":2,"mediaType":")" + std::string(index_type) + R"(","manifests":[)";
    const char* archs[] = {"amd64", "arm64"};
    for (std::size_t i = 0; i < children.size(); ++i)
      idx += (i ? "," : "") + desc(image_type, children[i], src.manifests[children[i]].bytes.size(),
                                   std::string(R"(,"platform":{"architecture":")") + archs[i] + R"(","os":"linux"})");
    index_digest = src.add_manifest(idx + "]}", index_type, "v1");
  }
  transfer::copy_result copy(const std::string& tag, const transfer::copy_options& opts = {}) {
    transfer::reference from{"src", "repo", "v1", ""}, to{"dst", "repo", tag, ""};
    return run_sync(transfer::copy_image(src, from, dst, to, opts));
  }
};

std::size_t position(const std::vector<std::string>& log, const std::string& entry) {
  auto it = std::find(log.begin(), log.end(), entry);
  EXPECT_NE(it, log.end()) << entry;
  return static_cast<std::size_t>(it - log.begin());
}

}  // namespace

TEST(CopyEngine, ChildFirstEveryBlobBeforeItsManifestTagLast) {
  world w;
  const auto r = w.copy("v1");
  EXPECT_EQ(r.digest, w.index_digest);
  EXPECT_EQ(r.stats.blobs_copied, 5u);  // the shared layer once
  EXPECT_EQ(r.stats.manifests_pushed, 3u);
  for (const auto& b : w.blobs) EXPECT_EQ(w.dst.blobs[b], w.src.blobs[b]);
  for (const auto& child : w.children) {
    for (const auto& b : w.blobs) {
      if (w.src.manifests[child].bytes.find(b) == std::string::npos) continue;
      EXPECT_LT(position(w.dst.log, "blob " + b), position(w.dst.log, "manifest " + child));
    }
    EXPECT_LT(position(w.dst.log, "manifest " + child), position(w.dst.log, "manifest v1"));
  }
  EXPECT_EQ(w.dst.log.back(), "manifest v1");
}

TEST(CopyEngine, SkipsWhatIsThereAndOnlyTagsAKnownDigest) {
  world w;
  w.copy("v1");
  const auto writes = w.dst.log.size();
  const auto again = w.copy("v1");
  EXPECT_EQ(again.stats.manifests_skipped, 1u);
  EXPECT_EQ(w.dst.log.size(), writes) << "nothing written when the tag is on the right digest";
  const auto tagged = w.copy("v2");
  EXPECT_EQ(tagged.stats.manifests_pushed, 1u);
  EXPECT_EQ(tagged.stats.blobs_copied + tagged.stats.blobs_skipped, 0u) << "the digest is there: only tag it";
  EXPECT_EQ(w.dst.log.back(), "manifest v2");
  EXPECT_EQ(w.dst.tags["v2"], w.index_digest);
}

TEST(CopyEngine, FilteredIndexIsANewManifestWithOnlyTheChosenChild) {
  world w;
  transfer::copy_options opts;
  opts.select_child = [](const transfer::descriptor& d) { return d.platform && d.platform->architecture == "arm64"; };
  const auto r = w.copy("arm", opts);
  EXPECT_NE(r.digest, w.index_digest);
  EXPECT_EQ(r.source_digest, w.index_digest);
  EXPECT_FALSE(w.dst.manifests.count(w.children[0]));
  EXPECT_TRUE(w.dst.manifests.count(w.children[1]));
  EXPECT_EQ(w.dst.manifests[r.digest].bytes.find(w.children[0]), std::string::npos);
  EXPECT_NE(w.dst.manifests[r.digest].bytes.find("io.ocimirror.source.digest"), std::string::npos);
  opts.select_child = [](const transfer::descriptor&) { return false; };
  try {
    w.copy("none", opts);
    ADD_FAILURE() << "no child chosen must fail";
  } catch (const transfer::error& e) {
    EXPECT_EQ(e.code(), transfer::errc::not_found);
    EXPECT_NE(std::string(e.what()).find("linux/arm64"), std::string::npos) << e.what();
  }
}

TEST(CopyEngine, VerifyPushesWhatIsMissingUnderAPresentTag) {
  world w;
  w.copy("v1");
  w.dst.blobs.erase(w.shared_layer);
  w.dst.log.clear();
  transfer::copy_options opts;
  opts.verify = true;
  const auto r = w.copy("v1", opts);
  EXPECT_EQ(r.stats.blobs_copied, 1u);
  EXPECT_EQ(w.dst.log, std::vector<std::string>{"blob " + w.shared_layer})
      << "manifests already there are not pushed again";
}

TEST(CopyEngine, ALyingSourceNeverStoresAWrongBlobNorItsManifest) {
  world w;
  std::string wrong = w.src.blobs[w.shared_layer];
  wrong[0] ^= 1;
  w.src.served[w.shared_layer] = wrong;
  try {
    w.copy("v1");
    ADD_FAILURE() << "a corrupt blob must fail the copy";
  } catch (const transfer::error& e) {
    EXPECT_EQ(e.code(), transfer::errc::digest_mismatch);
  }
  EXPECT_FALSE(w.dst.blobs.count(w.shared_layer));
  EXPECT_FALSE(w.dst.tags.count("v1"));
  for (const auto& c : w.children) EXPECT_FALSE(w.dst.manifests.count(c));
}

TEST(CopyEngine, ABundleMissingABlobFailsNamingItUnlessTheDestinationHasIt) {
  world w;
  const auto kept = w.src.blobs[w.shared_layer];
  w.src.blobs.erase(w.shared_layer);
  try {
    w.copy("v1");
    ADD_FAILURE() << "a blob neither side has must fail the copy";
  } catch (const transfer::error& e) {
    EXPECT_EQ(e.code(), transfer::errc::bad_archive);
    EXPECT_NE(std::string(e.what()).find(w.shared_layer), std::string::npos) << e.what();
  }
  EXPECT_FALSE(w.dst.tags.count("v1"));
  w.dst.blobs[w.shared_layer] = kept;  // an incremental bundle over a destination that has its base
  EXPECT_EQ(w.copy("v1").digest, w.index_digest);
}
