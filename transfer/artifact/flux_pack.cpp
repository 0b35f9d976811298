#include "transfer/artifact/flux_pack.hpp"

#include "transfer/net/file_io.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <zlib.h>

#include <cstdlib>
#include <vector>

namespace ocimirror::transfer::artifact {

struct gzip_writer::state {
  z_stream z{};
  std::vector<char> out = std::vector<char>(256u << 10);
  sha256 in_hash, out_hash;
  std::uint64_t size = 0;
  std::shared_ptr<file::temp_file> file = std::make_shared<file::temp_file>(file::make_temp_file(
      [] {
        const char* t = std::getenv("TMPDIR");
        return std::string(t && *t ? t : "/tmp");
      }(),
      "ocimirror-layer-"));
};

gzip_writer::gzip_writer() : s_(std::make_unique<state>()) {
  if (deflateInit2(&s_->z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw error(errc::io, "zlib deflateInit2 failed");
}

gzip_writer::~gzip_writer() { deflateEnd(&s_->z); }

void gzip_writer::pump(int flush) {
  auto& z = s_->z;
  int rc = Z_OK;
  do {
    z.next_out = reinterpret_cast<Bytef*>(s_->out.data());
    z.avail_out = static_cast<uInt>(s_->out.size());
    rc = deflate(&z, flush);
    if (rc == Z_STREAM_ERROR) throw error(errc::io, "zlib deflate failed");
    const std::string_view made(s_->out.data(), s_->out.size() - z.avail_out);
    s_->out_hash.update(made);
    s_->size += made.size();
    file::write_all(s_->file->f.n, made, s_->file->path);
  } while (z.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
}

void gzip_writer::write(std::string_view data) {
  s_->in_hash.update(data);
  while (!data.empty()) {  // avail_in is 32 bits
    const auto n = std::min<std::size_t>(data.size(), 1u << 30);
    s_->z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    s_->z.avail_in = static_cast<uInt>(n);
    pump(Z_NO_FLUSH);
    data.remove_prefix(n);
  }
}

blob gzip_writer::finish(std::string_view media_type, std::string& input_digest) {
  s_->z.next_in = nullptr;
  s_->z.avail_in = 0;
  pump(Z_FINISH);
  input_digest = s_->in_hash.finish();
  return blob{std::string(media_type), {}, s_->out_hash.finish(), s_->file, s_->size};
}

blob pack_flux(const std::string& path, const ignore::matcher& ignore, flux_tar::report& rep, std::string& diff_id) {
  gzip_writer gz;
  flux_tar::build(path, ignore, rep, [&gz](std::string_view piece) { gz.write(piece); });
  return gz.finish(media::flux_content, diff_id);
}

}  // namespace ocimirror::transfer::artifact
