// A policy run's stages between two in-memory endpoints (tests/support/fake_endpoint.hpp) over a real cache in a
// temporary directory: what a cold run copies, what a warm one does not ask, what a moved tag, a dry run, --verify
// and prune do. No sockets: the registry-only parts (the destination's listing, mounts, pacing) are tested against
// real registries in tests/integration.
#include "cache/mirror_cache.hpp"
#include "cache/store.hpp"
#include "daemon/run/sync_run.hpp"
#include "policy/platform.hpp"
#include "tests/support/fake_endpoint.hpp"

#include <gtest/gtest.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include <filesystem>

namespace ocimirror::daemon {
namespace {
using policy::action;
using testing::fake_endpoint;

constexpr const char* image_type = "application/vnd.oci.image.manifest.v1+json";

std::string desc(const std::string& type, const std::string& digest, std::size_t size) {
  return R"({"mediaType":")" + type + R"(","digest":")" + digest + R"(","size":)" + std::to_string(size) + "}";
}

/// One image made of a config and a layer of its own, tagged `tag` at `at`.
std::string add_image(fake_endpoint& at, const std::string& tag, const std::string& content) {
  const auto config = at.add_blob(R"({"architecture":"amd64","os":"linux","content":")" + content + R"("})");
  const auto layer = at.add_blob("layer of " + content);
  const std::string m = R"({"schemaVersion":2,"mediaType":")" + std::string(image_type) + R"(","config":)" +
                        desc("application/vnd.oci.image.config.v1+json", config, at.blobs[config].size()) +
                        R"(,"layers":[)" +
                        desc("application/vnd.oci.image.layer.v1.tar", layer, at.blobs[layer].size()) + "]}";
  return at.add_manifest(m, image_type, tag);
}

/// A two-platform index of two images, tagged `tag` at `at`.
std::string add_index(fake_endpoint& at, const std::string& tag) {
  const auto amd = add_image(at, "", "amd64"), arm = add_image(at, "", "arm64");
  const std::string idx =
      std::string(R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)") +
      R"({"mediaType":")" + image_type + R"(","digest":")" + amd + R"(","size":)" +
      std::to_string(at.manifests[amd].bytes.size()) + R"(,"platform":{"architecture":"amd64","os":"linux"}},)" +
      R"({"mediaType":")" + std::string(image_type) + R"(","digest":")" + arm + R"(","size":)" +
      std::to_string(at.manifests[arm].bytes.size()) + R"(,"platform":{"architecture":"arm64","os":"linux"}}]})";
  return at.add_manifest(idx, "application/vnd.oci.image.index.v1+json", tag);
}

struct world {
  fake_endpoint src{"src"}, dst{"dst"};
  std::filesystem::path dir;
  std::unique_ptr<cache::mirror_cache> cache;
  config::policy_config p;
  run_options opts;

  world() {
    dir = std::filesystem::temp_directory_path() / ("ocimirror-policy-run-" + std::to_string(::getpid()) + "-" +
                                                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir);
    std::string warning;
    cache = std::make_unique<cache::mirror_cache>(cache::store::open(dir, cache::store::mode::read_write, warning));
    p.name = "fake";
    p.from.registry = "src.example";
    p.to.registry = "dst.example";
    p.to.path = "mirror";
    p.referrers.enabled = false;  // the fake has no referrers API; referrers are tested over real registries
    opts.parallel_tags = 4;
  }
  ~world() {
    cache.reset();
    std::filesystem::remove_all(dir);
  }

  policy_report run() {
    boost::asio::io_context io;
    std::optional<policy_report> out;
    std::exception_ptr failed;
    boost::asio::co_spawn(io, run_policy(src, dst, p, *cache, opts), [&](std::exception_ptr e, policy_report r) {
      failed = e;
      if (!e) out = std::move(r);
    });
    io.run();
    if (failed) std::rethrow_exception(failed);
    return std::move(*out);
  }
};

const policy::plan_item* item(const policy_report& r, const std::string& tag) {
  for (const auto& it : r.plan)
    if (it.tag == tag) return &it;
  return nullptr;
}

std::string failures(const policy_report& r) {
  std::string out;
  for (const auto& f : r.failures) out += f.what + ": " + f.message + "\n";
  return out;
}

TEST(PolicyRun, AColdRunCopiesEveryTagAndAWarmOneAsksTheDestinationNothing) {
  world w;
  const auto v1 = add_image(w.src, "v1", "one"), v2 = add_image(w.src, "v2", "two");
  auto cold = w.run();
  ASSERT_TRUE(cold.failures.empty()) << failures(cold);
  EXPECT_EQ(cold.copied, 2u);
  EXPECT_EQ(cold.selected, 2u);
  EXPECT_EQ(w.dst.tags["v1"], v1);
  EXPECT_EQ(w.dst.tags["v2"], v2);
  ASSERT_NE(item(cold, "v1"), nullptr);
  EXPECT_EQ(item(cold, "v1")->what, action::copy);
  EXPECT_EQ(item(cold, "v1")->destination_repo, "mirror/repo");  // the fake's one repository, under `to`
  EXPECT_EQ(outcome_of(cold), run_outcome::success);

  const auto heads = w.dst.heads;
  const auto writes = w.dst.log.size();
  auto warm = w.run();
  ASSERT_TRUE(warm.failures.empty()) << failures(warm);
  EXPECT_EQ(warm.copied, 0u);
  for (const char* tag : {"v1", "v2"}) {
    ASSERT_NE(item(warm, tag), nullptr) << tag;
    EXPECT_EQ(item(warm, tag)->what, action::unchanged) << tag;
    EXPECT_TRUE(item(warm, tag)->cached) << tag;
  }
  EXPECT_EQ(w.dst.heads, heads) << "a warm run believes its records";
  EXPECT_EQ(w.dst.log.size(), writes) << "and writes nothing";
}

TEST(PolicyRun, ATagThatMovedIsCopiedOverWhatTheLastRunPushed) {
  world w;
  add_image(w.src, "v1", "one");
  ASSERT_TRUE(w.run().failures.empty());
  const auto moved = add_image(w.src, "v1", "one, rebuilt");
  auto r = w.run();
  ASSERT_TRUE(r.failures.empty()) << failures(r);
  ASSERT_NE(item(r, "v1"), nullptr);
  EXPECT_EQ(item(r, "v1")->what, action::overwrite);
  EXPECT_EQ(r.copied, 1u);
  EXPECT_EQ(w.dst.tags["v1"], moved);
}

TEST(PolicyRun, OverwriteNeverKeepsWhatTheDestinationHas) {
  world w;
  w.p.overwrite = config::overwrite_mode::never;
  const auto theirs = add_image(w.dst, "v1", "the destination's own");
  add_image(w.src, "v1", "the source's");
  auto r = w.run();
  ASSERT_TRUE(r.failures.empty()) << failures(r);
  EXPECT_EQ(item(r, "v1")->what, action::kept);
  EXPECT_EQ(w.dst.tags["v1"], theirs);
}

TEST(PolicyRun, ADryRunPlansAndWritesNothing) {
  world w;
  add_image(w.src, "v1", "one");
  w.opts.dry_run = true;
  auto r = w.run();
  ASSERT_TRUE(r.failures.empty()) << failures(r);
  EXPECT_EQ(item(r, "v1")->what, action::copy);
  EXPECT_EQ(r.copied, 0u);
  EXPECT_TRUE(w.dst.log.empty());
  // Nor does it write a record: the next real run copies.
  w.opts.dry_run = false;
  EXPECT_EQ(w.run().copied, 1u);
}

TEST(PolicyRun, VerifyRepairsWhatWasDeletedBehindTheCachesBack) {
  world w;
  add_image(w.src, "v1", "one");
  ASSERT_TRUE(w.run().failures.empty());
  w.dst.tags.erase("v1");  // a layout or registry cleaned by hand: the record still says it is there
  auto believed = w.run();
  EXPECT_EQ(item(believed, "v1")->what, action::unchanged);
  w.opts.verify = true;
  auto r = w.run();
  ASSERT_TRUE(r.failures.empty()) << failures(r);
  EXPECT_EQ(item(r, "v1")->what, action::copy);
  EXPECT_EQ(r.copied, 1u);
  EXPECT_TRUE(w.dst.tags.count("v1"));
}

TEST(PolicyRun, PruneDeletesOnlyWhatTheSourceDropped) {
  world w;
  w.p.prune = true;
  add_image(w.src, "v1", "one");
  add_image(w.src, "v2", "two");
  ASSERT_TRUE(w.run().failures.empty());
  w.src.tags.erase("v2");
  auto r = w.run();
  ASSERT_TRUE(r.failures.empty()) << failures(r);
  EXPECT_EQ(r.pruned, 1u);
  ASSERT_NE(item(r, "v2"), nullptr);
  EXPECT_EQ(item(r, "v2")->what, action::prune);
  EXPECT_FALSE(w.dst.tags.count("v2"));
  EXPECT_TRUE(w.dst.tags.count("v1"));
}

TEST(PolicyRun, NothingSelectedIsNotASuccessAndPrunesNothing) {
  world w;
  w.p.prune = true;
  add_image(w.src, "v1", "one");
  ASSERT_TRUE(w.run().failures.empty());
  w.p.tags.include.emplace_back("^nothing-matches$");
  auto r = w.run();
  EXPECT_EQ(outcome_of(r), run_outcome::empty);
  EXPECT_NE(r.selected_nothing.find("selected nothing"), std::string::npos) << r.selected_nothing;
  EXPECT_EQ(r.pruned, 0u);
  EXPECT_TRUE(w.dst.tags.count("v1"));
}

TEST(PolicyRun, AFilteredIndexIsRecognisedAtTheDestinationWhenTheCacheIsCold) {
  world w;
  w.p.platforms.push_back(*policy::parse_platform("linux/amd64"));
  const auto source = add_index(w.src, "v1");
  auto first = w.run();
  ASSERT_TRUE(first.failures.empty()) << failures(first);
  EXPECT_EQ(first.copied, 1u);
  const auto filtered = w.dst.tags["v1"];
  EXPECT_NE(filtered, source);
  ASSERT_EQ(first.remapped.size(), 1u);
  EXPECT_TRUE(first.remapped[0].annotated);

  // The cache is lost (a new state directory, a new replica): the destination's index is still recognised.
  w.cache.reset();
  std::filesystem::remove_all(w.dir);
  std::string warning;
  w.cache = std::make_unique<cache::mirror_cache>(cache::store::open(w.dir, cache::store::mode::read_write, warning));
  const auto writes = w.dst.log.size();
  auto cold = w.run();
  ASSERT_TRUE(cold.failures.empty()) << failures(cold);
  EXPECT_EQ(item(cold, "v1")->what, action::unchanged);
  EXPECT_EQ(cold.copied, 0u);
  EXPECT_EQ(w.dst.log.size(), writes) << "nothing pushed again";
  // And its record is written: the next run does not ask.
  const auto heads = w.dst.heads;
  auto warm = w.run();
  EXPECT_TRUE(item(warm, "v1")->cached);
  EXPECT_EQ(w.dst.heads, heads);
}

}  // namespace
}  // namespace ocimirror::daemon
