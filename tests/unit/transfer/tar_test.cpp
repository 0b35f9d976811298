#include "transfer/errors.hpp"
#include "transfer/tar.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <fstream>

using namespace ocimirror::transfer;

namespace {
std::array<char, tar::block> with_type(const std::string& name, char type) {
  auto b = tar::header({name, tar::kind::file, 0});
  b[156] = type;
  // recompute the checksum the way tar does
  std::memset(b.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : b) sum += static_cast<unsigned char>(c);
  std::snprintf(b.data() + 148, 8, "%06o", sum);
  return b;
}
}  // namespace

TEST(Tar, SafeNamesAreNormalisedAndEscapesRefused) {
  EXPECT_EQ(*tar::safe_name("./blobs//sha256/ab/"), "blobs/sha256/ab");
  EXPECT_FALSE(tar::safe_name("../etc/passwd"));
  EXPECT_FALSE(tar::safe_name("blobs/../../x"));
  EXPECT_FALSE(tar::safe_name("/etc/passwd"));
  EXPECT_FALSE(tar::safe_name("."));
  EXPECT_FALSE(tar::safe_name(std::string("a\0b", 3)));
  EXPECT_NE(tar::safe_name("..").error().find("'..'"), std::string::npos);
}

TEST(Tar, HeaderRoundTripsAndIsReproducible) {
  auto h = tar::header({"blobs/sha256/" + std::string(64, 'a'), tar::kind::file, 1234567});
  EXPECT_EQ(h, tar::header({"blobs/sha256/" + std::string(64, 'a'), tar::kind::file, 1234567}));
  auto p = tar::parse_header(h);
  ASSERT_TRUE(p) << p.error();
  EXPECT_EQ(p->e.name, "blobs/sha256/" + std::string(64, 'a'));
  EXPECT_EQ(p->e.size, 1234567u);
  // Long names use the ustar prefix; sizes beyond 8 GiB the base-256 form.
  const std::string long_name = std::string(120, 'd') + "/" + std::string(90, 'f');
  auto big = tar::parse_header(tar::header({long_name, tar::kind::file, 10ull << 30}));
  ASSERT_TRUE(big) << big.error();
  EXPECT_EQ(big->e.name, long_name);
  EXPECT_EQ(big->e.size, 10ull << 30);
  EXPECT_TRUE(tar::parse_header(std::array<char, tar::block>{})->end);
}

TEST(Tar, LinksDevicesBadChecksumsAndEscapingNamesAreRefused) {
  EXPECT_NE(tar::parse_header(with_type("x", '2')).error().find("symbolic link"), std::string::npos);
  EXPECT_NE(tar::parse_header(with_type("x", '1')).error().find("hard link"), std::string::npos);
  EXPECT_NE(tar::parse_header(with_type("x", '3')).error().find("device"), std::string::npos);
  EXPECT_NE(tar::parse_header(with_type("../x", '0')).error().find(".."), std::string::npos);
  auto h = tar::header({"x", tar::kind::file, 1});
  h[0] = 'y';
  EXPECT_NE(tar::parse_header(h).error().find("checksum"), std::string::npos);
}

TEST(Tar, ScanFindsMembersAndRefusesTruncatedArchives) {
  const std::string path = ::testing::TempDir() + "/scan.tar";
  {
    std::ofstream out(path, std::ios::binary);
    for (auto [name, body] : {std::pair<std::string, std::string>{"a", "hello"}, {"dir/b", std::string(600, 'x')}}) {
      auto h = tar::header({name, tar::kind::file, body.size()});
      out.write(h.data(), h.size());
      out << body << std::string(tar::padding(body.size()), '\0');
    }
    out << std::string(1024, '\0');
  }
  auto idx = tar::index::scan(path);
  ASSERT_EQ(idx.files.size(), 2u);
  EXPECT_EQ(idx.files.at("a").offset, 512u);
  EXPECT_EQ(idx.files.at("dir/b").size, 600u);
  // Cut inside the second member: named, with the bytes missing.
  {
    std::ifstream in(path, std::ios::binary);
    std::string all((std::istreambuf_iterator<char>(in)), {});
    std::ofstream(path, std::ios::binary | std::ios::trunc) << all.substr(0, 1024 + 512 + 100);
  }
  try {
    tar::index::scan(path);
    FAIL() << "a truncated archive was accepted";
  } catch (const error& e) {
    EXPECT_EQ(e.code(), errc::bad_archive);
    EXPECT_NE(std::string(e.what()).find("truncated: member 'dir/b'"), std::string::npos) << e.what();
  }
}
