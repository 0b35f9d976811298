#include "transfer/artifact/artifact.hpp"

#include "transfer/artifact/go_json.hpp"
#include "transfer/artifact/unpack.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/tar.hpp"

#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <vector>

namespace ocimirror::transfer::artifact {
namespace fs = std::filesystem;

std::string gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw error(errc::io, "zlib deflateInit2 failed");
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())) + 64, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw error(errc::io, "zlib deflate failed");
  return out;
}

void gunzip_file(const std::string& in_path, const file::temp_file& out, std::uint64_t max_bytes) {
  file::fd in(open_regular(in_path));
  gunzip_stream gz([&out](std::string_view piece) { file::write_all(out.f.n, piece, out.path); }, max_bytes, in_path);
  std::vector<char> buf(256 << 10);
  for (;;) {
    const auto n = ::read(in.n, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) file::fail("read", in_path);
    if (n == 0) break;
    gz.feed(std::string_view(buf.data(), static_cast<std::size_t>(n)));
  }
  gz.finish();
}

namespace {

blob make_blob(std::string_view media_type, std::string bytes) {
  blob b{std::string(media_type), std::move(bytes), {}, {}, 0};
  b.digest = sha256_digest(b.bytes);
  return b;
}

/// An OCI descriptor: image-spec's field order (mediaType, digest, size) as helm's oras writes it, or
/// go-containerregistry's (mediaType, size, digest) as flux writes it.
std::string descriptor(const blob& b, bool ggcr_order) {
  go_json::object o;
  o.str("mediaType", b.media_type);
  if (ggcr_order)
    o.raw("size", std::to_string(b.size())).str("digest", b.digest);
  else
    o.str("digest", b.digest).raw("size", std::to_string(b.size()));
  return o.json();
}

std::string layers_json(const std::vector<blob>& layers, bool ggcr_order) {
  std::vector<std::string> items;
  for (const auto& l : layers) items.push_back(descriptor(l, ggcr_order));
  return go_json::array(items);
}

bool digits(std::string_view s, std::size_t at, std::size_t n) {
  if (at + n > s.size()) return false;
  for (std::size_t i = at; i < at + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int number(std::string_view s, std::size_t at, std::size_t n) {
  int v = 0;
  for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

}  // namespace

std::optional<std::string> rfc3339(std::string_view s) {
  if (!(digits(s, 0, 4) && s.size() >= 20 && s[4] == '-' && digits(s, 5, 2) && s[7] == '-' && digits(s, 8, 2) &&
        s[10] == 'T' && digits(s, 11, 2) && s[13] == ':' && digits(s, 14, 2) && s[16] == ':' && digits(s, 17, 2)))
    return std::nullopt;
  const int year = number(s, 0, 4), month = number(s, 5, 2), day = number(s, 8, 2);
  static constexpr int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month < 1 || month > 12 || day < 1 || day > days[month - 1] || (month == 2 && day == 29 && !leap))
    return std::nullopt;
  if (number(s, 11, 2) > 23 || number(s, 14, 2) > 59 || number(s, 17, 2) > 59) return std::nullopt;
  std::size_t at = 19;
  std::string frac;
  if (s[at] == '.') {
    const auto end = s.find_first_not_of("0123456789", at + 1);
    if (end == std::string_view::npos || end == at + 1 || end - at - 1 > 9) return std::nullopt;
    frac = std::string(s.substr(at + 1, end - at - 1));
    at = end;
  }
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  std::string zone;
  if (s.substr(at) == "Z") {
    zone = "Z";
  } else if (s.size() == at + 6 && (s[at] == '+' || s[at] == '-') && digits(s, at + 1, 2) && s[at + 3] == ':' &&
             digits(s, at + 4, 2) && number(s, at + 1, 2) < 24 && number(s, at + 4, 2) < 60) {
    zone = number(s, at + 1, 2) == 0 && number(s, at + 4, 2) == 0 ? "Z" : std::string(s.substr(at));
  } else {
    return std::nullopt;
  }
  return std::string(s.substr(0, 19)) + (frac.empty() ? "" : "." + frac) + zone;
}

built flux(const std::string& tar, const std::map<std::string, std::string>& annotations) {
  return flux(make_blob(media::flux_content, gzip(tar)), sha256_digest(tar), annotations);
}

built flux(blob layer, const std::string& diff_id, const std::map<std::string, std::string>& annotations) {
  const auto created = rfc3339(
      annotations.count("org.opencontainers.image.created") ? annotations.at("org.opencontainers.image.created") : "");
  if (!created) throw error(errc::bad_manifest, "org.opencontainers.image.created is not an RFC 3339 time");
  built b;
  b.layers.push_back(std::move(layer));
  const std::string config =
      go_json::object()
          .str("architecture", "")
          .str("created", *created)
          .raw("history", R"([{"created":"0001-01-01T00:00:00Z"}])")
          .str("os", "")
          .raw("rootfs",
               go_json::object().str("type", "layers").raw("diff_ids", go_json::string_array({diff_id})).json())
          .raw("config", "{}")
          .json();
  b.config = make_blob(media::flux_config, config);
  go_json::object m;
  m.raw("schemaVersion", "2").str("mediaType", transfer::media::oci_manifest);
  m.raw("config", descriptor(b.config, true)).raw("layers", layers_json(b.layers, true));
  if (!annotations.empty()) m.raw("annotations", go_json::string_map(annotations));
  b.manifest = m.json();
  return b;
}

built helm(const std::string& chart_tgz, const std::optional<std::string>& prov, const helm::metadata& validated,
           const std::string& created) {
  built b;
  b.config = make_blob(media::helm_config, helm::config_json(validated));
  b.layers.push_back(make_blob(media::helm_chart, chart_tgz));
  if (prov) b.layers.push_back(make_blob(media::helm_prov, *prov));
  std::sort(b.layers.begin(), b.layers.end(), [](const blob& x, const blob& y) { return x.digest < y.digest; });
  go_json::object m;  // ocispec.Manifest: no mediaType field, as helm leaves it empty
  m.raw("schemaVersion", "2").raw("config", descriptor(b.config, false)).raw("layers", layers_json(b.layers, false));
  if (const auto ann = helm::annotations(validated, created); !ann.empty())
    m.raw("annotations", go_json::string_map(ann));
  b.manifest = m.json();
  b.name = validated.name;
  b.tag = validated.version;
  std::replace(b.tag.begin(), b.tag.end(), '+', '_');
  return b;
}

}  // namespace ocimirror::transfer::artifact
