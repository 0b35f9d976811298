// What the cache stores: keys are their parts joined by NUL (which no registry name, tag or digest contains), so a
// prefix scan finds everything under a policy or a digest; values are small JSON objects.
#include "cache/store_impl.hpp"

#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <boost/json.hpp>

namespace ocimirror::cache {
namespace json = boost::json;
namespace fs = std::filesystem;
using fam = store::impl::family;

namespace {

std::string key_of(std::initializer_list<std::string_view> parts) {
  std::string k;
  for (auto p : parts) {
    if (!k.empty()) k.push_back('\0');
    k.append(p);
  }
  return k;
}

std::vector<std::string> parts_of(std::string_view k) {
  std::vector<std::string> out;
  for (std::size_t at = 0;;) {
    auto nul = k.find('\0', at);
    out.emplace_back(k.substr(at, nul == std::string_view::npos ? std::string_view::npos : nul - at));
    if (nul == std::string_view::npos) return out;
    at = nul + 1;
  }
}

/// Calls f(key, value) for every entry of family f whose key starts with prefix (all when empty).
template <class F>
void scan(const store::impl& p, fam f, const std::string& prefix, F&& fn) {
  if (!p.db) return;
  std::unique_ptr<rocksdb::Iterator> it(p.db->NewIterator({}, p.cf(f)));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next())
    fn(std::string_view(it->key().data(), it->key().size()), std::string_view(it->value().data(), it->value().size()));
  p.check(it->status(), "read");
}

void write(const store::impl& p, fam f, const std::string& k, const std::string* v, const char* what) {
  if (!p.db) throw transfer::error(transfer::errc::io, "cache " + p.dir.string() + " is open read-only");
  p.check(v ? p.db->Put({}, p.cf(f), k, *v) : p.db->Delete({}, p.cf(f), k), what);
}

tag_record decode_tag(std::string_view v) {
  const auto o = json::parse(v).as_object();
  auto text = [&](const char* key) {
    const auto* found = o.if_contains(key);
    return found ? std::string(found->as_string()) : std::string();
  };
  return {text("sourceRepository"), text("sourceDigest"), text("destinationDigest"),
          text("artifactType"),     text("platforms"),    o.at("time").to_number<std::int64_t>(),
          text("destination")};
}

upload_mark decode_upload(std::string_view v) {
  const auto o = json::parse(v).as_object();
  return {std::string(o.at("location").as_string()), o.at("offset").to_number<std::uint64_t>(),
          o.at("time").to_number<std::int64_t>()};
}

}  // namespace

tag_records store::tags(const std::string& policy) const {
  tag_records out;
  scan(*p_, fam::tags, key_of({policy, ""}), [&](std::string_view k, std::string_view v) {
    auto parts = parts_of(k);
    if (parts.size() != 3) return;
    try {
      out[{parts[1], parts[2]}] = decode_tag(v);
    } catch (const std::exception&) {
      // An entry we cannot read is no knowledge: the destination is asked instead.
    }
  });
  return out;
}

void store::put_tag(const std::string& policy, const tag_key& k, const tag_record& r) {
  const auto v = json::serialize(json::object{{"sourceRepository", r.source_repo},
                                              {"sourceDigest", r.source_digest},
                                              {"destinationDigest", r.destination_digest},
                                              {"artifactType", r.artifact_type},
                                              {"platforms", r.platforms},
                                              {"time", r.time},
                                              {"destination", r.destination}});
  write(*p_, fam::tags, key_of({policy, k.first, k.second}), &v, "record a synced tag");
}

void store::erase_tag(const std::string& policy, const tag_key& k) {
  write(*p_, fam::tags, key_of({policy, k.first, k.second}), nullptr, "forget a tag");
}

std::size_t store::erase_policy(const std::string& policy) {
  std::vector<std::string> keys;
  scan(*p_, fam::tags, key_of({policy, ""}), [&](std::string_view k, std::string_view) { keys.emplace_back(k); });
  for (const auto& k : keys) write(*p_, fam::tags, k, nullptr, "forget a policy");
  return keys.size();
}

std::vector<std::string> store::holders(const std::string& registry, const std::string& digest) const {
  std::vector<std::string> out;
  scan(*p_, fam::blobs, key_of({registry, digest, ""}), [&](std::string_view k, std::string_view) {
    if (auto parts = parts_of(k); parts.size() == 3) out.push_back(parts[2]);
  });
  return out;
}

void store::put_holder(const std::string& registry, const std::string& digest, const std::string& repository) {
  const auto v = std::to_string(now_seconds());
  write(*p_, fam::blobs, key_of({registry, digest, repository}), &v, "record a blob location");
}

void store::erase_holder(const std::string& registry, const std::string& digest, const std::string& repository) {
  write(*p_, fam::blobs, key_of({registry, digest, repository}), nullptr, "forget a blob location");
}

std::vector<std::array<std::string, 3>> store::all_holders() const {
  std::vector<std::array<std::string, 3>> out;
  scan(*p_, fam::blobs, "", [&](std::string_view k, std::string_view) {
    if (auto parts = parts_of(k); parts.size() == 3) out.push_back({parts[0], parts[1], parts[2]});
  });
  return out;
}

std::optional<upload_mark> store::upload(const std::string& registry, const std::string& repo,
                                         const std::string& digest) const {
  if (!p_->db) return std::nullopt;
  std::string v;
  auto s = p_->db->Get({}, p_->cf(fam::uploads), key_of({registry, repo, digest}), &v);
  if (s.IsNotFound()) return std::nullopt;
  p_->check(s, "read an upload session");
  try {
    return decode_upload(v);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void store::put_upload(const std::string& registry, const std::string& repo, const std::string& digest,
                       const upload_mark& m) {
  const auto v = json::serialize(json::object{{"location", m.location}, {"offset", m.offset}, {"time", m.time}});
  write(*p_, fam::uploads, key_of({registry, repo, digest}), &v, "record an upload session");
}

void store::erase_upload(const std::string& registry, const std::string& repo, const std::string& digest) {
  write(*p_, fam::uploads, key_of({registry, repo, digest}), nullptr, "forget an upload session");
}

cache_stats store::stats() const {
  cache_stats st;
  st.path = p_->dir;
  scan(*p_, fam::tags, "", [&](std::string_view k, std::string_view) { ++st.tags_per_policy[parts_of(k)[0]]; });
  scan(*p_, fam::blobs, "", [&](std::string_view, std::string_view) { ++st.blob_locations; });
  scan(*p_, fam::uploads, "", [&](std::string_view, std::string_view) { ++st.upload_sessions; });
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(p_->dir, ec))
    if (e.is_regular_file(ec)) st.bytes_on_disk += e.file_size(ec);
  return st;
}

std::vector<std::string> store::verify() const {
  std::vector<std::string> problems;
  if (!p_->db) return problems;
  if (auto s = p_->db->VerifyChecksum(); !s.ok()) problems.push_back("checksums: " + s.ToString());
  auto bad = [&](const char* family, std::string_view k, const std::string& why) {
    std::string shown(k);
    std::replace(shown.begin(), shown.end(), '\0', ' ');
    problems.push_back(std::string(family) + " entry '" + shown + "': " + why);
  };
  scan(*p_, fam::tags, "", [&](std::string_view k, std::string_view v) {
    if (parts_of(k).size() != 3) return bad("tags", k, "malformed key");
    try {
      auto r = decode_tag(v);
      if (!transfer::is_valid_digest(r.source_digest) || !transfer::is_valid_digest(r.destination_digest))
        bad("tags", k, "invalid digest");
    } catch (const std::exception& e) {
      bad("tags", k, e.what());
    }
  });
  scan(*p_, fam::blobs, "", [&](std::string_view k, std::string_view) {
    auto parts = parts_of(k);
    if (parts.size() != 3 || !transfer::is_valid_digest(parts[1])) bad("blob-locations", k, "malformed key");
  });
  scan(*p_, fam::uploads, "", [&](std::string_view k, std::string_view v) {
    try {
      decode_upload(v);
    } catch (const std::exception& e) {
      bad("upload-sessions", k, e.what());
    }
  });
  return problems;
}

}  // namespace ocimirror::cache
