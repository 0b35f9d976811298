// The tar flux writes (fluxcd/pkg tar/tar.go Tar, oci/build.go build) and the patterns it leaves out
// (sourceignore.ExcludeVCS/ExcludeExt, go-git's gitignore matcher), and Go's archive/tar header bytes.
#include "transfer/artifact/flux_tar.hpp"
#include "transfer/artifact/flux_pack.hpp"
#include "transfer/artifact/go_tar.hpp"
#include "transfer/artifact/ignore.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/tar.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

using namespace ocimirror::transfer;
namespace fs = std::filesystem;

namespace {
std::vector<std::string> segs(const std::string& p) {
  std::vector<std::string> out;
  for (std::size_t start = 0;;) {
    auto slash = p.find('/', start);
    out.push_back(p.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
    if (slash == std::string::npos) return out;
    start = slash + 1;
  }
}
void write(const fs::path& p, const std::string& body, fs::perms mode = fs::perms(0644)) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << body;
  fs::permissions(p, mode);
}
/// (name, typeflag, mode) of each header in a Go-written tar.
std::vector<std::tuple<std::string, char, unsigned>> members(const std::string& tar) {
  std::vector<std::tuple<std::string, char, unsigned>> out;
  std::optional<std::string> path;
  for (std::size_t at = 0; at + 512 <= tar.size();) {
    std::array<char, 512> b{};
    std::copy_n(tar.data() + at, 512, b.data());
    auto h = tar::parse_header(b, path);
    EXPECT_TRUE(h) << h.error();
    if (!h || h->end) break;
    at += 512;
    if (h->extension) {
      path = tar::parse_pax(tar.substr(at, h->e.size))->path;
      at += h->e.size + tar::padding(h->e.size);
      continue;
    }
    path.reset();
    out.emplace_back(h->root ? "." : h->e.name, b[156], std::stoul(std::string(b.data() + 100, 7), nullptr, 8));
    at += h->e.size + tar::padding(h->e.size);
  }
  return out;
}
}  // namespace

TEST(Ignore, FluxDefaultsAndGitignoreRules) {
  ignore::matcher m(ignore::flux_defaults());
  EXPECT_TRUE(m.excluded({".git"}, true));
  EXPECT_TRUE(m.excluded(segs(".git/config"), false));  // a segment named .git, at any depth
  EXPECT_TRUE(m.excluded(segs("sub/.git/HEAD"), false));
  EXPECT_FALSE(m.excluded({".git"}, false));  // ".git/" is for directories (a submodule's .git file)
  EXPECT_TRUE(m.excluded(segs("img/logo.png"), false));
  EXPECT_TRUE(m.excluded(segs("x.tar.gz"), false));
  EXPECT_FALSE(m.excluded(segs("x.tgz"), false));
  EXPECT_FALSE(m.excluded(segs("deploy/app.yaml"), false));

  ignore::matcher u({"# comment", "", "*.md", "!README.md", "/build/", "docs/**/draft.yaml", "tmp  "});
  EXPECT_TRUE(u.excluded(segs("a/notes.md"), false));
  EXPECT_FALSE(u.excluded(segs("a/README.md"), false));  // the last matching pattern decides
  EXPECT_TRUE(u.excluded({"build"}, true));
  EXPECT_TRUE(u.excluded(segs("build/out.yaml"), false));  // anchored, and what is under it
  EXPECT_FALSE(u.excluded(segs("src/build"), true));       // "/build/" is anchored at the root
  EXPECT_TRUE(u.excluded(segs("docs/a/b/draft.yaml"), false));
  EXPECT_TRUE(u.excluded(segs("docs/draft.yaml"), false));  // '**' spans zero directories too
  EXPECT_TRUE(u.excluded({"tmp"}, false));                  // trailing spaces trimmed
  EXPECT_FALSE(u.excluded({}, true));                       // never the root
}

TEST(GoTar, HeadersAsArchiveTarWritesThem) {
  const auto h = go_tar::header("a.yaml", go_tar::type::file, 0644, 5);
  ASSERT_EQ(h.size(), 512u);
  EXPECT_EQ(h.substr(100, 8), std::string("0000644\0", 8));
  EXPECT_EQ(h.substr(108, 16), std::string("0000000\0"
                                           "0000000\0",
                                           16));
  EXPECT_EQ(h.substr(124, 24), std::string("00000000005\0"
                                           "00000000000\0",
                                           24));  // size, then mtime zero
  EXPECT_EQ(h.substr(257, 8), std::string("ustar\0"
                                          "00",
                                          8));
  EXPECT_EQ(h.substr(329, 16), std::string("0000000\0"
                                           "0000000\0",
                                           16));  // devmajor, devminor
  EXPECT_EQ(h[154], '\0');
  EXPECT_EQ(h[155], ' ');
  // A long ASCII name is split into prefix and name; a non-ASCII one takes a PAX header.
  const std::string long_name = std::string(120, 'd') + "/x.yaml";
  const auto split = go_tar::header(long_name, go_tar::type::file, 0644, 0);
  ASSERT_EQ(split.size(), 512u);
  EXPECT_EQ(std::string(split.data() + 345), std::string(120, 'd'));
  const auto pax = go_tar::header("dir/d\xc3\xa9j\xc3\xa0.yaml", go_tar::type::file, 0600, 3);
  ASSERT_EQ(pax.size(), 3 * 512u);
  EXPECT_EQ(std::string(pax.data()), "dir/PaxHeaders.0/dj.yaml");
  EXPECT_EQ(pax[156], 'x');
  EXPECT_EQ(pax.substr(512, 24), go_tar::pax_record("path", "dir/d\xc3\xa9j\xc3\xa0.yaml"));
  EXPECT_EQ(go_tar::pax_record("path", "dir/d\xc3\xa9j\xc3\xa0.yaml"), "24 path=dir/d\xc3\xa9j\xc3\xa0.yaml\n");
  EXPECT_EQ(std::string(pax.data() + 1024), "dir/dj.yaml");  // the main header: toASCII of the name
  EXPECT_EQ(go_tar::pax_record("k", std::string(92, 'v')), "98 k=" + std::string(92, 'v') + "\n");
  EXPECT_EQ(go_tar::pax_record("k", std::string(95, 'v')),
            "102 k=" + std::string(95, 'v') + "\n");  // the length grew a digit
}

TEST(FluxTar, WalkOrderModesRootEntryAndSkippedLinks) {
  const fs::path d = fs::path(::testing::TempDir()) / "flux-tar-walk";
  fs::remove_all(d);
  write(d / "a" / "x.yaml", "x");
  write(d / "a-b.yaml", "y");
  write(d / "bin" / "run.sh", "#!/bin/sh\n", fs::perms(0750));
  write(d / ".git" / "config", "secret");
  write(d / "logo.png", "png");
  fs::create_directories(d / "empty");
  fs::permissions(d, fs::perms(0755));
  fs::permissions(d / "a", fs::perms(0755));
  fs::permissions(d / "bin", fs::perms(0700));
  fs::permissions(d / "empty", fs::perms(0755));
  fs::create_symlink("a-b.yaml", d / "link.yaml");
  flux_tar::report rep;
  const auto t = flux_tar::build(d.string(), ignore::matcher(ignore::flux_defaults()), rep);
  using row = std::tuple<std::string, char, unsigned>;
  // filepath.WalkDir: each directory's entries by name, depth first ("a" before "a-b.yaml", then "a/x.yaml" right after
  // "a").
  const std::vector<row> want{{".", '5', 0755},        {"a", '5', 0755},   {"a/x.yaml", '0', 0644},
                              {"a-b.yaml", '0', 0644}, {"bin", '5', 0700}, {"bin/run.sh", '0', 0750},
                              {"empty", '5', 0755}};
  EXPECT_EQ(members(t), want);
  EXPECT_EQ(rep.skipped, std::vector<std::string>{"link.yaml"});
  EXPECT_EQ(rep.ignored.size(), 3u);  // .git, .git/config, logo.png
  EXPECT_EQ(t.size() % 512, 0u);
  EXPECT_EQ(t.substr(t.size() - 1024), std::string(1024, '\0'));
}

TEST(FluxTar, SingleFileIsStagedAloneAsFluxDoes) {
  const fs::path d = fs::path(::testing::TempDir()) / "flux-tar-one";
  fs::remove_all(d);
  write(d / "app.yaml", "kind: ConfigMap\n", fs::perms(0664));
  const mode_t old = ::umask(022);
  flux_tar::report rep;
  const auto t = flux_tar::build((d / "app.yaml").string(), ignore::matcher({}), rep);
  ::umask(old);
  using row = std::tuple<std::string, char, unsigned>;
  EXPECT_EQ(members(t),
            (std::vector<row>{{".", '5', 0700}, {"app.yaml", '0', 0644}}));  // MkdirTemp's 0700, umask applied
}

TEST(FluxTar, APackedLayerIsTheGzipOfTheWholeTarByteForByte) {
  namespace art = ocimirror::transfer::artifact;
  const fs::path d = fs::path(::testing::TempDir()) / "flux-pack";
  fs::remove_all(d);
  std::string big;
  for (int i = 0; big.size() < (3u << 20); ++i) big += "line " + std::to_string(i * 7919 % 10007) + "\n";
  write(d / "big.txt", big, fs::perms(0644));
  write(d / "small.yaml", "kind: ConfigMap\n", fs::perms(0644));
  flux_tar::report rep, rep2;
  const auto whole = flux_tar::build(d.string(), ignore::matcher({}), rep);
  std::string diff_id;
  const auto layer = art::pack_flux(d.string(), ignore::matcher({}), rep2, diff_id);
  std::ifstream in(layer.file->path, std::ios::binary);
  const std::string packed{std::istreambuf_iterator<char>(in), {}};
  const auto one_shot = art::gzip(whole);
  EXPECT_EQ(packed, one_shot) << "streamed deflate gives the bytes gzip() gives";
  EXPECT_EQ(layer.digest, ocimirror::transfer::sha256_digest(one_shot));
  EXPECT_EQ(layer.size(), one_shot.size());
  EXPECT_EQ(diff_id, ocimirror::transfer::sha256_digest(whole));
  // The manifest and config are those of the in-memory path.
  const std::map<std::string, std::string> notes{{"org.opencontainers.image.created", "1970-01-01T00:00:00Z"}};
  EXPECT_EQ(art::flux(layer, diff_id, notes).manifest, art::flux(whole, notes).manifest);
}
