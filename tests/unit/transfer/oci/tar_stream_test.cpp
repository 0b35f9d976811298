#include "transfer/oci/tar_stream.hpp"

#include "transfer/oci/errors.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tar = ocimirror::transfer::tar;
namespace t = ocimirror::transfer;

namespace {
struct recorder : tar::stream_sink {
  std::vector<std::string> events;
  void directory(const std::string& name, std::uint32_t mode) override {
    events.push_back("dir " + name + " " + std::to_string(mode));
  }
  void file_begin(const std::string& name, std::uint64_t size, std::uint32_t) override {
    events.push_back("file " + name + " " + std::to_string(size));
  }
  void file_data(std::string_view bytes) override { events.back() += ":" + std::string(bytes); }
  void file_end() override { events.push_back("end"); }
};

std::string member(const tar::entry& e, const std::string& body) {
  std::string out(tar::header(e).data(), tar::block);
  return out + body + std::string(tar::padding(body.size()), '\0');
}
const std::string marker(1024, '\0');

std::vector<std::string> read(const std::string& archive, std::size_t piece, tar::stream_limits limits = {}) {
  recorder r;
  tar::stream_reader s(r, limits, "layer");
  for (std::size_t at = 0; at < archive.size(); at += piece) s.feed(std::string_view(archive).substr(at, piece));
  s.finish();
  return r.events;
}
}  // namespace

TEST(TarStream, ReadsTheSameWhateverThePiecesAreAndSkipsPadding) {
  const std::string archive = member({"dir", tar::kind::directory, 0}, "") +
                              member({"dir/a", tar::kind::file, 5}, "hello") +
                              member({"empty", tar::kind::file, 0}, "") + marker + std::string(9216, '\0');
  const auto whole = read(archive, archive.size());
  ASSERT_EQ(whole.size(), 5u);
  EXPECT_EQ(whole[0], "dir dir 493");
  EXPECT_EQ(whole[1], "file dir/a 5:hello");
  EXPECT_EQ(whole[3], "file empty 0");
  for (std::size_t piece : {1u, 7u, 511u, 512u, 513u}) {
    auto events = read(archive, piece);
    std::string flat, want;
    for (auto& e : events) flat += e.starts_with(":") ? e.substr(1) : "|" + e;
    for (auto& e : whole) want += "|" + e;
    // Bodies arrive in pieces (":h:e:l..."); their concatenation is the body.
    std::string joined;
    for (char c : flat)
      if (c != ':') joined += c;
    std::string want_joined;
    for (char c : want)
      if (c != ':') want_joined += c;
    EXPECT_EQ(joined, want_joined) << piece;
  }
}

TEST(TarStream, RefusesWhatTheIndexRefusesAndStaysBounded) {
  const std::string a = member({"a", tar::kind::file, 1}, "x");
  EXPECT_THROW(read(a + a + marker, 512), t::error) << "a name twice";
  const std::string d = member({"a", tar::kind::directory, 0}, "");
  EXPECT_THROW(read(d + a + marker, 512), t::error) << "a file and a directory of one name";
  EXPECT_EQ(read(d + d + marker, 512).size(), 1u) << "a directory twice is one (GNU tar: tar cf - d d/sub)";
  EXPECT_THROW(read(a, 512), t::error) << "no end marker: truncated";
  EXPECT_THROW(read(a.substr(0, 600), 512), t::error);
  try {
    read(a + member({"b", tar::kind::file, 1}, "y") + marker, 512, {.max_entries = 1});
    ADD_FAILURE();
  } catch (const t::error& e) {
    EXPECT_EQ(e.code(), t::errc::too_large);
    EXPECT_NE(std::string(e.what()).find("more than 1 entries"), std::string::npos) << e.what();
  }
  try {
    read(member({"big", tar::kind::file, 2u << 20}, std::string(2u << 20, 'z')) + marker, 4096,
         {.max_bytes = 1u << 20});
    ADD_FAILURE();
  } catch (const t::error& e) {
    EXPECT_EQ(e.code(), t::errc::too_large);
    EXPECT_NE(std::string(e.what()).find("unpacks to more than 1 MiB (member 'big'"), std::string::npos) << e.what();
  }
  std::string bad = a;
  bad[148] ^= 1;  // checksum
  EXPECT_THROW(read(bad + marker, 512), t::error);
}
