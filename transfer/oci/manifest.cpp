#include "transfer/oci/manifest.hpp"

#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/json_numbers.hpp"

#include <boost/json.hpp>

#include <span>

namespace ocimirror::transfer {
namespace json = boost::json;

namespace media {
bool is_manifest(std::string_view t) noexcept { return t == oci_manifest || t == docker_manifest || is_index(t); }
bool is_index(std::string_view t) noexcept { return t == oci_index || t == docker_list; }
}  // namespace media

std::string os_platform::str() const {
  std::string s = os + "/" + architecture;
  if (!variant.empty()) s += "/" + variant;
  return s;
}

std::vector<const descriptor*> manifest::blobs() const {
  std::vector<const descriptor*> out;
  if (config) out.push_back(&*config);
  for (const auto& l : layers) out.push_back(&l);
  return out;
}

namespace {

using parse_result = boost::system::result<descriptor, std::string>;

// result<T, std::string> cannot take a bare string when T is an aggregate starting with a string member.
struct failure {
  std::string what;
  template <class T>
  operator boost::system::result<T, std::string>() && {  // NOLINT(google-explicit-constructor)
    return {boost::system::in_place_error, std::move(what)};
  }
};

std::string str_field(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

annotations parse_annotations(const json::object& o) {
  annotations out;
  if (auto* a = o.if_contains("annotations"); a && a->is_object())
    for (const auto& [k, v] : a->as_object())
      if (v.is_string()) out.emplace_back(std::string(k), std::string(v.as_string()));
  return out;
}

parse_result parse_descriptor(const json::value& v, std::string_view where) {
  if (!v.is_object()) return failure{std::string(where) + " is not an object"};
  const auto& o = v.as_object();
  descriptor d;
  d.media_type = str_field(o, "mediaType");
  d.digest = str_field(o, "digest");
  if (!is_valid_digest(d.digest))
    return failure{std::string(where) + " has digest '" + d.digest + "'; want sha256: and 64 lowercase hex digits"};
  const auto* size = o.if_contains("size");
  if (!size || !(size->is_int64() || size->is_uint64()) || (size->is_int64() && size->as_int64() < 0))
    return failure{std::string(where) + " has no valid size"};
  d.size = size->is_uint64() ? size->as_uint64() : static_cast<std::uint64_t>(size->as_int64());
  d.artifact_type = str_field(o, "artifactType");
  if (auto* p = o.if_contains("platform"); p && p->is_object()) {
    const auto& po = p->as_object();
    d.platform = os_platform{str_field(po, "os"), str_field(po, "architecture"), str_field(po, "variant"),
                             str_field(po, "os.version")};
  }
  d.annotations = parse_annotations(o);
  return d;
}

// Parses a JSON array of descriptors into out; returns the first error, empty when all parsed.
std::string parse_list(const json::value& list, std::string_view name, std::vector<descriptor>& out) {
  std::size_t i = 0;
  for (const auto& v : list.as_array()) {
    auto d = parse_descriptor(v, std::string(name) + "[" + std::to_string(i++) + "]");
    if (!d) return d.error();
    out.push_back(std::move(*d));
  }
  return {};
}

}  // namespace

boost::system::result<manifest, std::string> parse_manifest(std::string_view bytes, std::string_view content_type) {
  boost::system::error_code ec;
  json::value doc = json::parse(bytes, ec);
  if (ec) return failure{"manifest is not valid JSON (" + ec.message() + ")"};
  if (!doc.is_object()) return failure{std::string("manifest is not a JSON object")};
  const auto& o = doc.as_object();
  manifest m;
  m.media_type = str_field(o, "mediaType");
  if (auto semi = content_type.find(';'); semi != std::string_view::npos) content_type = content_type.substr(0, semi);
  if (m.media_type.empty()) {
    if (media::is_manifest(content_type))
      m.media_type = std::string(content_type);
    else if (o.contains("manifests"))
      m.media_type = std::string(media::oci_index);
    else if (o.contains("config"))
      m.media_type = std::string(media::oci_manifest);
  }
  const auto* version = o.if_contains("schemaVersion");
  if (m.media_type.starts_with("application/vnd.docker.distribution.manifest.v1") ||
      content_type.starts_with("application/vnd.docker.distribution.manifest.v1") ||
      (m.media_type.empty() && version && version->is_int64() && version->as_int64() == 1))
    return failure{std::string(
        "this is a Docker schema 1 manifest (application/vnd.docker.distribution.manifest.v1+prettyjws), deprecated "
        "since 2017 and refused by current registries; ocimirror copies schema 2 and OCI only: convert it once with "
        "`skopeo copy --format v2s2 docker://SRC docker://DST`, or rebuild and push the image")};
  if (!media::is_manifest(m.media_type)) return failure{"unsupported manifest media type '" + m.media_type + "'"};
  // CVE-2021-41190: a document that is both an image and an index reads as one to one tool and as the other to
  // the next. Refused as containers/image (validateUnambiguousManifestFormat) and distribution refuse it.
  static constexpr const char* image_only[] = {"config", "layers", "fsLayers", "history"};
  static constexpr const char* index_only[] = {"manifests", "fsLayers", "history"};
  std::string foreign;
  for (const char* field :
       m.is_index() ? std::span<const char* const>(image_only) : std::span<const char* const>(index_only))
    if (o.contains(field)) foreign += std::string(foreign.empty() ? "" : ", ") + "'" + field + "'";
  if (!foreign.empty())
    return failure{"ambiguous manifest: its media type is " + m.media_type + " but it also carries " + foreign +
                   ", which " + (m.is_index() ? "an image manifest" : "an index") + " has; refused (CVE-2021-41190)"};

  m.artifact_type = str_field(o, "artifactType");
  m.annotations = parse_annotations(o);
  if (auto* s = o.if_contains("subject")) {
    auto d = parse_descriptor(*s, "subject");
    if (!d) return failure{d.error()};
    m.subject = std::move(*d);
  }
  if (m.is_index()) {
    const auto* list = o.if_contains("manifests");
    if (!list || !list->is_array()) return failure{std::string("index has no 'manifests' array")};
    if (auto err = parse_list(*list, "manifests", m.manifests); !err.empty()) return failure{err};
    return m;
  }
  const auto* config = o.if_contains("config");
  if (!config) return failure{std::string("image manifest has no 'config'")};
  auto c = parse_descriptor(*config, "config");
  if (!c) return failure{c.error()};
  m.config = std::move(*c);
  if (const auto* layers = o.if_contains("layers")) {
    if (!layers->is_array()) return failure{std::string("'layers' is not an array")};
    if (auto err = parse_list(*layers, "layers", m.layers); !err.empty()) return failure{err};
  }
  return m;
}

void check_index_depth(int depth, const std::string& where) {
  if (depth >= max_index_depth)
    throw error(errc::bad_manifest, "index " + where + " nests indexes deeper than " + std::to_string(max_index_depth) +
                                        " levels; ocimirror refuses it");
}

std::string filter_index(std::string_view bytes, const std::vector<bool>& keep, std::string_view source_digest) {
  json::value doc = json::parse(bytes);
  auto& o = doc.as_object();
  json::array kept;
  const auto& all = o.at("manifests").as_array();
  for (std::size_t i = 0; i < all.size(); ++i)
    if (i < keep.size() && keep[i]) kept.push_back(all[i]);
  o["manifests"] = std::move(kept);
  if (str_field(o, "mediaType") != media::docker_list) {  // Docker manifest lists have no annotations field
    auto& ann = o["annotations"];
    if (!ann.is_object()) ann = json::object();
    ann.as_object()["io.ocimirror.source.digest"] = source_digest;
  }
  if (auto bad = settle_numbers(doc); !bad.empty())
    throw error(errc::bad_manifest, "index " + std::string(source_digest) + ": the number at " + bad +
                                        " cannot be written back as it reads (too large or too precise)");
  return json::serialize(doc);
}

}  // namespace ocimirror::transfer
