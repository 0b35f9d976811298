#include "transfer/registry/upload_state.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;
using v = upload_state::verdict;

namespace {
const std::string post = "https://r.example/v2/app/blobs/uploads/";
}

TEST(UploadState, MonolithicUpToTheThreshold) {
  upload_state small(100, 1000, 0);
  ASSERT_EQ(small.on_started(202, post, "/v2/app/blobs/uploads/u1?_state=x", ""), v::ok);
  EXPECT_TRUE(small.monolithic());
  EXPECT_EQ(small.commit_url("sha256:ab"), "https://r.example/v2/app/blobs/uploads/u1?_state=x&digest=sha256%3Aab");
  upload_state big(2000, 1000, 0);
  ASSERT_EQ(big.on_started(202, post, "https://r.example/v2/app/blobs/uploads/u2", ""), v::ok);
  EXPECT_FALSE(big.monolithic());
  EXPECT_EQ(big.commit_url("sha256:ab"), "https://r.example/v2/app/blobs/uploads/u2?digest=sha256%3Aab");
}

TEST(UploadState, StartNeeds202AndALocation) {
  upload_state u(10, 0, 0);
  EXPECT_EQ(u.on_started(201, post, "/x", ""), v::bad_status);
  EXPECT_EQ(u.on_started(202, post, "", ""), v::bad_location);
}

TEST(UploadState, ChunksFollowTheNewestLocationAndTheRange) {
  upload_state u(250, 0, 100);
  ASSERT_EQ(u.on_started(202, post, "/v2/app/blobs/uploads/s", ""), v::ok);
  EXPECT_EQ(u.next_length(), 100u);
  EXPECT_EQ(u.content_range(), "0-99");
  ASSERT_EQ(u.on_patched(202, "/v2/app/blobs/uploads/s2", "0-99"), v::ok);
  EXPECT_EQ(u.location(), "https://r.example/v2/app/blobs/uploads/s2");
  EXPECT_EQ(u.content_range(), "100-199");
  ASSERT_EQ(u.on_patched(201, "", "bytes=0-199"), v::ok);  // 201 on PATCH, no Location: keep the last one
  EXPECT_EQ(u.location(), "https://r.example/v2/app/blobs/uploads/s2");
  EXPECT_EQ(u.next_length(), 50u);  // the last chunk is the rest
  EXPECT_EQ(u.content_range(), "200-249");
  ASSERT_EQ(u.on_patched(204, "https://other.example/up/s3", ""), v::ok);  // another origin is allowed (storage)
  EXPECT_TRUE(u.complete());
  EXPECT_EQ(u.commit_url("sha256:ab"), "https://other.example/up/s3?digest=sha256%3Aab");
}

TEST(UploadState, RejectsWhatTheSpecDoesNot) {
  upload_state u(200, 0, 100);
  ASSERT_EQ(u.on_started(202, post, "/s", ""), v::ok);
  EXPECT_EQ(u.on_patched(200, "", ""), v::bad_status);
  EXPECT_EQ(u.on_patched(416, "", ""), v::bad_status);
  EXPECT_EQ(u.on_patched(202, "", "0-50"), v::bad_range);  // the registry holds less than was sent
  EXPECT_EQ(u.on_patched(202, "", "5-99"), v::bad_range);
  EXPECT_EQ(u.on_patched(202, "", "junk"), v::bad_range);
  EXPECT_EQ(u.offset(), 0u);  // nothing counted as sent
}

TEST(UploadState, HonoursTheRegistrysMinimumChunk) {
  upload_state u(10u << 20, 0, 1u << 20);
  ASSERT_EQ(u.on_started(202, post, "/s", "5242880"), v::ok);
  EXPECT_EQ(u.chunk_size(), 5u << 20);
  upload_state whole(10u << 20, 0, 0);  // one PATCH for everything satisfies any minimum
  ASSERT_EQ(whole.on_started(202, post, "/s", "5242880"), v::ok);
  EXPECT_EQ(whole.next_length(), 10u << 20);
}

TEST(UploadState, ResumesWhereTheRegistrySaysItStopped) {
  EXPECT_EQ(upload_state::held("0-1023"), 1024u);
  EXPECT_EQ(upload_state::held("bytes=0-4194303"), 4194304u);
  EXPECT_FALSE(upload_state::held(""));
  EXPECT_FALSE(upload_state::held("5-10"));
  EXPECT_FALSE(upload_state::held("0-x"));
  upload_state up(10u << 20, 1u << 20, 4u << 20);
  ASSERT_EQ(up.on_started(202, "http://r/v2/a/blobs/uploads/", "/v2/a/blobs/uploads/u?_state=s", ""),
            upload_state::verdict::ok);
  up.resume_at(4u << 20);
  EXPECT_FALSE(up.monolithic());  // a resumed session is always continued chunk by chunk
  EXPECT_EQ(up.content_range(), std::to_string(4u << 20) + "-" + std::to_string((8u << 20) - 1));
  EXPECT_EQ(up.on_patched(202, "", std::to_string(0) + "-" + std::to_string((8u << 20) - 1)),
            upload_state::verdict::ok);
  EXPECT_EQ(up.next_length(), 2u << 20);
}
