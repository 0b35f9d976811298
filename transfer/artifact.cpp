#include "transfer/artifact.hpp"

#include "transfer/digest.hpp"
#include "transfer/errors.hpp"
#include "transfer/file_io.hpp"
#include "transfer/tar.hpp"

#include <boost/json.hpp>
#include <zlib.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

namespace ocimirror::transfer::artifact {
namespace fs = std::filesystem;
namespace json = boost::json;

std::string gzip(std::string_view data) {
  z_stream z{};
  if (deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) throw error(errc::io, "zlib deflateInit2 failed");
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

void gunzip_file(const std::string& in_path, const std::string& out_path, std::uint64_t max_bytes) {
  std::ifstream in(in_path, std::ios::binary);
  if (!in) throw error(errc::io, "cannot open " + in_path);
  file::fd out(file::open_or_throw(out_path, O_WRONLY | O_CREAT | O_TRUNC, 0600));
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) throw error(errc::io, "zlib inflateInit2 failed");
  std::vector<char> ibuf(256 << 10), obuf(256 << 10);
  std::uint64_t total = 0;
  int rc = Z_OK;
  try {
    while (rc != Z_STREAM_END) {
      if (z.avail_in == 0) {
        in.read(ibuf.data(), static_cast<std::streamsize>(ibuf.size()));
        if (in.gcount() == 0) throw error(errc::bad_archive, in_path + " is truncated: the gzip stream does not end");
        z.next_in = reinterpret_cast<Bytef*>(ibuf.data());
        z.avail_in = static_cast<uInt>(in.gcount());
      }
      z.next_out = reinterpret_cast<Bytef*>(obuf.data());
      z.avail_out = static_cast<uInt>(obuf.size());
      rc = inflate(&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END) throw error(errc::bad_archive, in_path + " is not valid gzip: " + (z.msg ? z.msg : "corrupt"));
      const auto n = obuf.size() - z.avail_out;
      total += n;
      if (total > max_bytes) throw error(errc::too_large, in_path + " inflates to more than " + std::to_string(max_bytes >> 20) + " MiB");
      file::write_all(out.n, std::string_view(obuf.data(), n), out_path);
    }
  } catch (...) {
    inflateEnd(&z);
    throw;
  }
  inflateEnd(&z);
}

std::string tar_directory(const std::string& dir) {
  if (!fs::is_directory(dir)) throw error(errc::not_found, "no directory " + dir);
  std::vector<std::pair<std::string, fs::path>> entries;  // (tar name, path)
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    const auto st = it->symlink_status();
    auto rel = fs::relative(it->path(), dir).generic_string();
    if (fs::is_symlink(st) || !(fs::is_regular_file(st) || fs::is_directory(st)))
      throw error(errc::io, it->path().string() + " is a symbolic link or special file; an artifact holds regular files only");
    entries.emplace_back(rel, it->path());
  }
  std::sort(entries.begin(), entries.end());
  std::string out;
  for (const auto& [name, path] : entries) {
    const bool is_dir = fs::is_directory(path);
    const std::string body = is_dir ? std::string() : file::read_file(path.string(), std::size_t(1) << 31);
    const bool exec = !is_dir && (fs::status(path).permissions() & fs::perms::owner_exec) != fs::perms::none;
    auto h = tar::header({name, is_dir ? tar::kind::directory : tar::kind::file, body.size(), exec});
    out.append(h.data(), h.size());
    out += body;
    out.append(tar::padding(body.size()), '\0');
  }
  out.append(2 * tar::block, '\0');
  return out;
}

std::size_t extract(const std::string& tar_path, const std::string& dir) {
  if (fs::exists(dir) && !fs::is_empty(dir)) throw error(errc::io, dir + " exists and is not empty; pull into a new directory");
  const auto members = tar::index::scan(tar_path);  // refuses links, devices, absolute names and '..' up front
  const std::string partial = dir + ".partial-" + std::to_string(::getpid());
  fs::remove_all(partial);
  fs::create_directories(partial);
  file::fd in(file::open_or_throw(tar_path, O_RDONLY));
  try {
    // Directories first, empty ones included, so that what the archive holds is what arrives.
    for (const auto& [name, mode] : members.directories) fs::create_directories(fs::path(partial) / name);
    for (const auto& [name, m] : members.files) {
      const fs::path target = fs::path(partial) / name;
      fs::create_directories(target.parent_path());
      file::fd out(file::open_or_throw(target.string(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600));
      std::vector<char> buf(1 << 20);
      for (std::uint64_t at = 0; at < m.size;) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), m.size - at));
        file::pread_all(in.n, buf.data(), n, m.offset + at, tar_path);
        file::write_all(out.n, std::string_view(buf.data(), n), target.string());
        at += n;
      }
      // The archive's permission bits (0777 at most), as tar and flux's extraction keep them; owner read kept.
      if (::fchmod(out.n, static_cast<mode_t>(m.mode | 0400)) != 0) file::fail("chmod", target.string());
    }
    // Directory modes last, deepest first: a read-only directory would refuse the files written into it.
    for (auto it = members.directories.rbegin(); it != members.directories.rend(); ++it)
      fs::permissions(fs::path(partial) / it->first, static_cast<fs::perms>(it->second | 0700), fs::perm_options::replace);
    if (fs::exists(dir)) fs::remove(dir);  // empty
    fs::rename(partial, dir);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(partial, ec);
    throw;
  }
  return members.files.size();
}

namespace {

std::string manifest_json(const blob& config, const blob& layer, const json::object& annotations, const json::object& layer_ann) {
  json::object m;
  m["schemaVersion"] = 2;
  m["mediaType"] = transfer::media::oci_manifest;
  m["config"] = {{"mediaType", config.media_type}, {"digest", config.digest}, {"size", config.bytes.size()}};
  json::object l{{"mediaType", layer.media_type}, {"digest", layer.digest}, {"size", layer.bytes.size()}};
  if (!layer_ann.empty()) l["annotations"] = layer_ann;
  m["layers"] = json::array{std::move(l)};
  if (!annotations.empty()) {
    // Sorted keys: the same annotations give the same bytes whatever order they were given in.
    std::vector<std::pair<std::string, json::value>> sorted;
    for (const auto& kv : annotations) sorted.emplace_back(std::string(kv.key()), kv.value());
    std::sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    json::object o;
    for (auto& [k, v] : sorted) o[k] = v;
    m["annotations"] = std::move(o);
  }
  return json::serialize(m);
}

blob make_blob(std::string_view media_type, std::string bytes) {
  blob b{std::string(media_type), std::move(bytes), {}};
  b.digest = sha256_digest(b.bytes);
  return b;
}

}  // namespace

built flux(const std::string& tar_gz, const std::string& source, const std::string& revision, const std::string& created,
           const std::vector<std::pair<std::string, std::string>>& extra) {
  built b;
  b.config = make_blob(media::flux_config, "{}");
  b.layer = make_blob(media::flux_content, tar_gz);
  json::object ann;
  for (const auto& [k, v] : extra) ann[k] = v;
  ann["org.opencontainers.image.created"] = created;
  ann["org.opencontainers.image.source"] = source;
  ann["org.opencontainers.image.revision"] = revision;
  b.manifest = manifest_json(b.config, b.layer, ann, {});
  return b;
}

built helm(const std::string& chart_tgz, const std::string& name, const std::string& version,
           const std::string& config_json, const std::string& description) {
  built b;
  b.config = make_blob(media::helm_config, config_json);
  b.layer = make_blob(media::helm_chart, chart_tgz);
  json::object ann{{"org.opencontainers.image.title", name}, {"org.opencontainers.image.version", version}};
  if (!description.empty()) ann["org.opencontainers.image.description"] = description;
  b.manifest = manifest_json(b.config, b.layer, ann, {});
  b.name = name;
  b.tag = version;
  std::replace(b.tag.begin(), b.tag.end(), '+', '_');
  return b;
}

}  // namespace ocimirror::transfer::artifact
