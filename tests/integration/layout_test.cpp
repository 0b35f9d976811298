// Air-gap and backup workflows on real registries: incremental bundles carry only what the far side lacks, backup
// snapshots honour `keep:` and stay complete, and hostile archives are refused whole with nothing tagged.
#include "transfer/endpoint/layout.hpp"
#include "tests/integration/helpers.hpp"
#include "tests/support/registry_fixture.hpp"
#include "tests/support/seed.hpp"
#include "transfer/oci/tar.hpp"

#include <boost/json.hpp>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace ocimirror::testing;
namespace fs = std::filesystem;
namespace tar = ocimirror::transfer::tar;

namespace {

const std::string gz = "application/vnd.oci.image.layer.v1.tar+gzip";

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

struct member {
  std::string name, body;
  char type = '0';
};

/// A tar written by hand, so that members can be anything an attacker likes.
void write_tar(const std::string& path, const std::vector<member>& members, bool end_marker = true) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  for (const auto& m : members) {
    auto h = tar::header({"placeholder", tar::kind::file, m.body.size()});
    std::memset(h.data(), 0, 100);
    std::memcpy(h.data(), m.name.data(), std::min<std::size_t>(m.name.size(), 100));
    h[156] = m.type;
    if (m.type == '1' || m.type == '2') std::memcpy(h.data() + 157, "/etc/passwd", 11);
    std::memset(h.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (char c : h) sum += static_cast<unsigned char>(c);
    std::snprintf(h.data() + 148, 8, "%06o", sum);
    out.write(h.data(), h.size());
    out << m.body << std::string(tar::padding(m.body.size()), '\0');
  }
  if (end_marker) out << std::string(1024, '\0');
}

/// Every regular member of an archive, in order of name.
std::vector<member> members_of(const std::string& path) {
  std::vector<member> out;
  const auto all = slurp(path);
  for (const auto& [name, m] : tar::index::scan(path).files) out.push_back({name, all.substr(m.offset, m.size)});
  return out;
}

class Layouts : public ::testing::Test {
 protected:
  static inline registry_fixture* src = nullptr;
  static inline registry_fixture* dst = nullptr;
  static inline std::string dir;

  static void SetUpTestSuite() {
    src = new registry_fixture({});
    dst = new registry_fixture({});
    dir = make_temp_dir("ocimirror-layouts");  // per process: ctest -j runs each case in its own
    fs::remove_all(dir);
    fs::create_directories(dir);
    seeder s({src->host()});
    for (const char* repo : {"app", "web"})
      for (const char* tag : {"v1", "v2"})
        s.image(std::string("acme/") + repo, tag,
                image_spec{.layers = {{gz, "shared base"}, {gz, std::string(repo) + tag}}});
  }
  static void TearDownTestSuite() {
    delete src;
    delete dst;
    std::filesystem::remove_all(dir);
  }

  /// A config with one policy from `from` to `to` (extra: more policy keys), returned as its path.
  static std::string config(const std::string& name, const std::string& from, const std::string& to,
                            const std::string& extra = "") {
    const std::string path = dir + "/" + name + ".yaml";
    write_file(path, "state_dir: " + dir + "/state-" + name + "\nregistries:\n  " + src->host() +
                         ": {tls: disabled}\n  " + dst->host() + ": {tls: disabled}\npolicies:\n  - name: " + name +
                         "\n    from: " + from + "\n    to: " + to + "\n" + extra);
    return path;
  }
  static run_result sync(const std::string& cfg, std::vector<std::string> more = {}) {
    std::vector<std::string> args{"sync", "-q", "--config", cfg};
    args.insert(args.end(), more.begin(), more.end());
    return cli(args);
  }
};

TEST_F(Layouts, IncrementalBundleCarriesOnlyNewBlobsAndImportsComplete) {
  const auto out = config("inc-out", src->host() + "/acme", "oci-archive:inc-1.tar");
  const auto in1 = config("inc-in1", "oci-archive:inc-1.tar", dst->host() + "/inc");
  ASSERT_EQ(sync(out).exit_code, 0);
  auto first = sync(in1);
  ASSERT_EQ(first.exit_code, 0) << first.err << first.out;

  // New content at the source; the far side says what it has.
  seeder s({src->host()});
  auto v3 = s.image("acme/app", "v3", image_spec{.layers = {{gz, "shared base"}, {gz, "app v3 only"}}});
  auto inv = cli({"inventory", "--plain-http", dst->host(), "-o", dir + "/have.txt"});
  ASSERT_EQ(inv.exit_code, 0) << inv.err;
  const auto out2 = config("inc-out2", src->host() + "/acme", "oci-archive:inc-2.tar");
  auto second = cli({"sync", "-q", "-o", "json", "--config", out2, "--since", dir + "/have.txt"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  auto report = boost::json::parse(second.out).at("policies").at(0);
  EXPECT_GT(report.at("blobs").at("leftOut").as_int64(), 0);

  // Only v3's own layer and config are new blobs; every manifest is there.
  std::size_t blobs = 0, manifests = 0;
  for (const auto& m : members_of(dir + "/inc-2.tar")) {
    if (!m.name.starts_with("blobs/")) continue;
    (m.body.find("schemaVersion") != std::string::npos ? manifests : blobs)++;
  }
  EXPECT_EQ(manifests, 5u);
  EXPECT_EQ(blobs, 1u) << "only v3's layer: its config and base layer are at the far side already";
  // A previous bundle works as --since too.
  auto again = cli({"sync", "-q", "-o", "json", "--config", out2, "--since", dir + "/inc-1.tar"});
  ASSERT_EQ(again.exit_code, 0) << again.err;

  const auto in2 = config("inc-in2", "oci-archive:inc-2.tar", dst->host() + "/inc");
  auto imported = sync(in2);
  ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;
  EXPECT_EQ(skopeo_digest(dst->host() + "/inc/app:v3"), v3.digest);
  EXPECT_EQ(skopeo_digest(dst->host() + "/inc/web:v2"), skopeo_digest(src->host() + "/acme/web:v2"));

  // The same incremental bundle into an empty repository fails before tagging anything, naming the missing blob.
  const auto in3 = config("inc-in3", "oci-archive:inc-2.tar", dst->host() + "/fresh");
  auto refused = sync(in3);
  EXPECT_NE(refused.exit_code, 0);
  EXPECT_NE(refused.err.find("is neither in the bundle nor at"), std::string::npos) << refused.out << refused.err;
  EXPECT_TRUE(skopeo_digest(dst->host() + "/fresh/app:v3").empty());
}

TEST_F(Layouts, BackupsKeepNSnapshotsEachCompleteAndFreeWhatNoneReferences) {
  const auto cfg = config("backup", src->host() + "/acme", "oci:backups", "    keep: 2\n");
  seeder s({src->host()});
  std::string dropped_layer;
  for (int run = 0; run < 3; ++run) {
    // Each run sees a different acme/app:v1 (a new layer), so snapshots differ.
    const std::string layer = "app v1 edition " + std::to_string(run);
    if (run == 0) dropped_layer = ocimirror::transfer::sha256_digest(layer);
    s.image("acme/app", "v1", image_spec{.layers = {{gz, "shared base"}, {gz, layer}}});
    auto r = sync(cfg);
    ASSERT_EQ(r.exit_code, 0) << r.err << r.out;
    std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // one stamp a second
  }
  auto snaps = ocimirror::transfer::layout_snapshots::list(dir + "/backups");
  ASSERT_EQ(snaps.size(), 2u);
  EXPECT_EQ(fs::read_symlink(dir + "/backups/latest").string(), snaps.back());
  // Every kept snapshot is a complete layout: skopeo reads every tag, and every blob its manifests name is there.
  for (const auto& snap : snaps) {
    const std::string root = dir + "/backups/" + snap;
    ocimirror::transfer::layout_dir l(root, ocimirror::transfer::layout_dir::mode::read);
    EXPECT_GE(l.index().size(), 4u) << snap;
    for (const auto& repo : l.index().repositories())
      for (const auto& tag : l.index().tags(repo)) {
        auto sk = run({"skopeo", "inspect", "oci:" + root + ":" + repo + ":" + tag});
        EXPECT_EQ(sk.exit_code, 0) << snap << " " << repo << ":" << tag << ": " << sk.err;
      }
  }
  // The first edition's layer was only in the deleted snapshot: gone from the disk.
  bool found = false;
  for (const auto& e : fs::recursive_directory_iterator(dir + "/backups"))
    found |= e.path().filename() == dropped_layer.substr(7);
  EXPECT_FALSE(found);
  // Unchanged blobs are shared between snapshots, not copied.
  const auto shared = ocimirror::transfer::sha256_digest("shared base").substr(7);
  EXPECT_EQ(fs::hard_link_count(dir + "/backups/" + snaps.back() + "/blobs/sha256/" + shared), 2u);
  // Restore, as README's "Backups" says: a policy from the newest snapshot puts every tag back, digest for digest.
  auto restored = sync(config("restore", "oci:backups/latest", dst->host() + "/restored"));
  ASSERT_EQ(restored.exit_code, 0) << restored.err << restored.out;
  EXPECT_EQ(skopeo_digest(dst->host() + "/restored/app:v1"), skopeo_digest(src->host() + "/acme/app:v1"));
}

TEST_F(Layouts, HostileArchivesAreRefusedWholeAndNothingIsTagged) {
  const auto good = dir + "/good.tar";
  ASSERT_EQ(
      sync(config("good-out", src->host() + "/acme", "oci-archive:good.tar", "    repositories: [web]\n")).exit_code,
      0);
  const auto base = members_of(good);
  auto variant = [&](const std::string& name, auto edit, bool end_marker = true) {
    auto ms = base;
    edit(ms);
    write_tar(dir + "/" + name + ".tar", ms, end_marker);
  };
  variant("dotdot", [](auto& ms) { ms.push_back({"../../escape", "x"}); });
  variant("absolute", [](auto& ms) { ms.push_back({"/tmp/escape", "x"}); });
  variant("symlink", [](auto& ms) { ms.push_back({"blobs/sha256/evil", "", '2'}); });
  variant("hardlink", [](auto& ms) { ms.push_back({"blobs/sha256/evil", "", '1'}); });
  variant("flipped", [](auto& ms) {
    for (auto& m : ms)
      if (m.name.starts_with("blobs/") && m.body.find("schemaVersion") == std::string::npos && m.body.size() > 3) {
        m.body[0] ^= 1;
        break;
      }
  });
  variant("incomplete", [](auto& ms) {
    for (auto it = ms.begin(); it != ms.end(); ++it)
      if (it->name.starts_with("blobs/") && it->body.find("schemaVersion") == std::string::npos) {
        ms.erase(it);
        break;
      }
  });
  {  // truncated: the good archive cut in the middle of its last member
    auto all = slurp(good);
    std::ofstream(dir + "/truncated.tar", std::ios::binary | std::ios::trunc) << all.substr(0, all.size() - 1024 - 700);
  }
  const std::map<std::string, std::string> expected{{"dotdot", "climbs out of the archive"},
                                                    {"absolute", "is an absolute path"},
                                                    {"symlink", "is a symbolic link"},
                                                    {"hardlink", "is a hard link"},
                                                    {"flipped", "has content digest"},
                                                    {"incomplete", "is neither in the bundle nor at"},
                                                    {"truncated", "is truncated"}};
  for (const auto& [name, words] : expected) {
    const auto cfg = config("bad-" + name, "oci-archive:" + name + ".tar", dst->host() + "/bad-" + name);
    auto r = sync(cfg);
    EXPECT_NE(r.exit_code, 0) << name;
    EXPECT_NE((r.out + r.err).find(words), std::string::npos) << name << ": " << r.out << r.err;
    EXPECT_TRUE(skopeo_digest(dst->host() + "/bad-" + name + "/web:v1").empty()) << name << ": something was tagged";
  }
  EXPECT_FALSE(fs::exists("/tmp/escape"));
  EXPECT_FALSE(fs::exists(dir + "/../../escape"));
  // The good one imports.
  auto ok = sync(config("good-in", "oci-archive:good.tar", dst->host() + "/good"));
  ASSERT_EQ(ok.exit_code, 0) << ok.out << ok.err;
  EXPECT_EQ(skopeo_digest(dst->host() + "/good/web:v1"), skopeo_digest(src->host() + "/acme/web:v1"));
}

TEST_F(Layouts, AFailedExportLeavesThePreviousBundleUntouched) {
  // A source tag whose layer the registry lost: that tag fails, so the bundle is not written.
  seeder s({src->host()});
  const std::string lost = "a layer the registry lost";
  s.image("broken/app", "v1", image_spec{.layers = {{gz, lost}}});
  s.image("broken/app", "v2", image_spec{.layers = {{gz, "fine layer"}}});
  const auto hex = ocimirror::transfer::sha256_digest(lost).substr(7);
  fs::remove_all(src->storage() + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex);
  const auto cfg = config("keep-old", src->host() + "/broken", "oci-archive:keep-old.tar");
  write_file(dir + "/keep-old.tar", "previous bundle");
  auto dry = sync(cfg, {"--dry-run"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(slurp(dir + "/keep-old.tar"), "previous bundle") << "a dry run writes nothing";
  auto r = sync(cfg);
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;  // the one failure: a blob not found
  EXPECT_NE((r.out + r.err).find("was not written"), std::string::npos) << r.out << r.err;
  EXPECT_EQ(slurp(dir + "/keep-old.tar"), "previous bundle");
  for (const auto& e : fs::directory_iterator(dir))
    EXPECT_EQ(e.path().filename().string().find("keep-old.tar."), std::string::npos) << "left behind: " << e.path();
}

TEST_F(Layouts, ANonEmptyFolderThatIsNotALayoutIsNeverWrittenInto) {
  write_file(dir + "/home/notes.txt", "mine");
  auto r = cli({"copy", "-q", "--plain-http", src->host() + "/acme/app:v1", "oci:" + dir + "/home"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("not an OCI layout"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir + "/home/blobs"));
  EXPECT_FALSE(fs::exists(dir + "/home/index.json"));
}

}  // namespace
