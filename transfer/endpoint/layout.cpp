#include "transfer/endpoint/layout.hpp"

#include "transfer/net/file_io.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/reference.hpp"

#include <fstream>

namespace ocimirror::transfer {

void layout_endpoint::check_digest(const std::string& d) const {
  if (!is_valid_digest(d)) throw error(errc::bad_digest, name_ + ": '" + d + "' is not a sha256 digest");
}

// Bare ref names (skopeo's `oci:DIR:v1`, umoci's) are tags of the layout's unnamed repository, listed first as "".
awaitable<std::vector<std::string>> layout_endpoint::repositories(const std::string&) {
  auto out = index_.repositories();
  if (!index_.tags("").empty()) out.insert(out.begin(), std::string());
  co_return out;
}

awaitable<std::vector<std::string>> layout_endpoint::list_tags(const std::string& repo) {
  auto tags = index_.tags(repo);
  if (tags.empty())
    throw error(errc::not_found,
                name_ + (repo.empty() ? " has no bare-named (TAG-only) entries" : " has no repository " + repo));
  co_return tags;
}

awaitable<std::optional<manifest_head>> layout_endpoint::head_manifest(const std::string& repo,
                                                                       const std::string& target) {
  std::string digest = target;
  if (!target.starts_with("sha256:")) {
    auto d = index_.find(repo, target);
    if (!d || !stored_size(d->digest)) co_return std::nullopt;
    co_return manifest_head{d->digest, d->media_type, d->size};
  }
  check_digest(digest);
  auto size = manifest_present(digest);
  if (!size) co_return std::nullopt;
  auto m = co_await get_manifest(repo, digest);
  co_return manifest_head{digest, m.media_type, *size};
}

awaitable<fetched_manifest> layout_endpoint::get_manifest(const std::string& repo, const std::string& target) {
  std::string digest = target, type;
  if (!target.starts_with("sha256:")) {
    auto d = index_.find(repo, target);
    if (!d) throw error(errc::not_found, name_ + " has no " + (repo.empty() ? target : repo + ":" + target));
    digest = d->digest;
    type = d->media_type;
  } else {
    // An entry selected by digest (an unnamed one, as skopeo writes) may have only its descriptor's media type.
    if (auto d = index_.find_digest(digest)) type = d->media_type;
  }
  check_digest(digest);
  if (!stored_size(digest)) throw error(errc::not_found, name_ + " lacks manifest " + digest);
  fetched_manifest m;
  m.bytes = read_stored(digest, max_manifest_pull);
  m.digest = sha256_digest(m.bytes);
  if (m.digest != digest)
    throw error(errc::digest_mismatch, name_ + ": manifest " + digest + " has content digest " + m.digest);
  auto parsed = parse_manifest(m.bytes, type);
  if (!parsed) throw error(errc::bad_manifest, name_ + ": manifest " + digest + ": " + parsed.error());
  m.media_type = parsed->media_type;
  co_return m;
}

awaitable<void> layout_endpoint::put_manifest(const std::string& repo, const std::string& target,
                                              const std::string& bytes, const std::string& media_type) {
  const auto digest = sha256_digest(bytes);
  if (!stored_size(digest)) {
    bool sent = false;
    http_client::chunk_source once = [&]() -> awaitable<std::span<const char>> {
      co_return std::exchange(sent, true) ? std::span<const char>() : std::span<const char>(bytes.data(), bytes.size());
    };
    co_await store(digest, bytes.size(), once);
  }
  if (target.starts_with("sha256:")) co_return;
  descriptor d;
  d.media_type = media_type;
  d.digest = digest;
  d.size = bytes.size();
  index_.set(repo, target, d);
  index_changed();
}

// A layout removes the index entry alone: the manifest stays for other entries (and for retention to judge).
awaitable<removal> layout_endpoint::remove_tag(const std::string& repo, const std::string& tag,
                                               const std::string& digest, const std::set<std::string>&) {
  auto d = index_.find(repo, tag);
  if (!d) co_return removal{};
  if (d->digest != digest)
    co_return removal{name_ + ":" + repo + ":" + tag + " was changed by someone else since this policy mirrored it",
                      false};
  index_.remove(repo, tag);
  index_changed();
  co_return removal{};
}

awaitable<std::optional<std::uint64_t>> layout_endpoint::blob_size(const std::string&, const std::string& digest) {
  check_digest(digest);
  co_return stored_size(digest);
}

awaitable<http_client::chunk_source> layout_endpoint::open_blob(const std::string&, const std::string& digest) {
  check_digest(digest);
  if (!stored_size(digest)) throw error(errc::not_found, name_ + " lacks blob " + digest);
  co_return open_stored(digest);
}

awaitable<void> layout_endpoint::put_blob(const std::string&, const std::string& digest, std::uint64_t size,
                                          http_client::chunk_source next) {
  check_digest(digest);
  if (stored_size(digest)) co_return;
  co_await store(digest, size, std::move(next));
}

std::set<std::string> read_since(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw error(errc::io, "cannot open --since file " + path);
  char magic[263] = {};
  in.read(magic, sizeof magic);
  if (in.gcount() == sizeof magic && std::string_view(magic + 257, 5) == "ustar") {
    // A previous bundle: everything in it reached the far side.
    std::set<std::string> out;
    for (const auto& [name, m] : tar::index::scan(path).files)
      if (name.starts_with("blobs/sha256/") && is_valid_digest("sha256:" + name.substr(13)))
        out.insert("sha256:" + name.substr(13));
    return out;
  }
  in.clear();
  in.seekg(0);
  std::set<std::string> out;
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || line.front() == '#') continue;
    if (!is_valid_digest(line))
      throw error(errc::bad_digest, path + ":" + std::to_string(n) + ": '" + line + "' is not a sha256 digest");
    out.insert(line);
  }
  return out;
}

}  // namespace ocimirror::transfer
