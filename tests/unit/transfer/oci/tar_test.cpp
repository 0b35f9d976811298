#include "transfer/oci/tar.hpp"
#include "transfer/oci/errors.hpp"

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

namespace {
/// A PAX 'x' header whose records are `records`, then the member's own ustar header and body.
std::string pax_member(const std::string& records, const std::string& ustar_name, const std::string& body,
                       char type = '0', unsigned mode = 0644) {
  std::string out;
  auto x = tar::header({"PaxHeaders/x", tar::kind::file, records.size()});
  x[156] = 'x';
  std::memset(x.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : x) sum += static_cast<unsigned char>(c);
  std::snprintf(x.data() + 148, 8, "%06o", sum);
  out.append(x.data(), x.size());
  out += records + std::string(tar::padding(records.size()), '\0');
  auto h = tar::header({ustar_name, type == '5' ? tar::kind::directory : tar::kind::file, body.size()});
  std::snprintf(h.data() + 100, 8, "%07o", mode);
  std::memset(h.data() + 148, ' ', 8);
  sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  std::snprintf(h.data() + 148, 8, "%06o", sum);
  out.append(h.data(), h.size());
  out += body + std::string(tar::padding(body.size()), '\0');
  return out;
}
std::string record(const std::string& kv) {
  // "LEN key=value\n" where LEN counts itself.
  for (std::size_t len = kv.size() + 3;; ++len) {
    const std::string r = std::to_string(len) + " " + kv + "\n";
    if (r.size() == len) return r;
  }
}
}  // namespace

TEST(Tar, PaxNamesRootEntriesModesAndDirectoriesAsGoWritesThem) {
  const std::string long_name = "charts/" + std::string(150, 'l') + "/Ünïcödé-values.yaml";
  const std::string path = ::testing::TempDir() + "/pax.tar";
  {
    std::ofstream out(path, std::ios::binary);
    auto root = tar::header({"placeholder", tar::kind::directory, 0});
    std::memset(root.data(), 0, 100);
    std::memcpy(root.data(), "./", 2);
    std::memset(root.data() + 148, ' ', 8);
    unsigned sum = 0;
    for (char c : root) sum += static_cast<unsigned char>(c);
    std::snprintf(root.data() + 148, 8, "%06o", sum);
    out.write(root.data(), root.size());
    out << pax_member(record("path=" + long_name), "charts/truncated", "hello");
    out << pax_member(record("mtime=1.5") + record("path=empty/"), "x", "", '5', 0750);
    out << pax_member(record("path=bin/run.sh"), "bin/run.sh", "#!/bin/sh\n", '0', 0755);
    out << std::string(1024, '\0');
  }
  auto idx = tar::index::scan(path);
  ASSERT_EQ(idx.files.size(), 2u);
  EXPECT_EQ(idx.files.at(long_name).size, 5u);
  EXPECT_EQ(idx.files.at("bin/run.sh").mode, 0755u);
  EXPECT_EQ(idx.directories.at("empty"), 0750u);
  // What a PAX path says is checked like any name.
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << pax_member(record("path=../../etc/passwd"), "innocent", "x") << std::string(1024, '\0');
  }
  EXPECT_THROW(tar::index::scan(path), ocimirror::transfer::error);
  EXPECT_FALSE(tar::parse_pax("5 a=b"));
  EXPECT_FALSE(tar::parse_pax("99 path=x\n"));
  EXPECT_FALSE(tar::parse_pax(record("linkpath=/etc")));
  EXPECT_EQ(*tar::parse_pax(record("size=42"))->size, 42u);
}
