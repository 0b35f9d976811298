#include "transfer/oci/layout_index.hpp"

#include "transfer/oci/digest.hpp"
#include "transfer/oci/json_numbers.hpp"
#include "transfer/oci/reference.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <optional>
#include <set>

namespace ocimirror::transfer {
namespace json = boost::json;

namespace {

std::string ref_of(const json::value& entry) {
  const auto* o = entry.if_object();
  if (!o) return {};
  const auto* ann = o->if_contains("annotations");
  if (!ann || !ann->is_object()) return {};
  const auto* name = ann->as_object().if_contains(ref_name_annotation);
  return name && name->is_string() ? std::string(name->as_string()) : std::string();
}

std::string ref_name(const std::string& repo, const std::string& tag) { return repo.empty() ? tag : repo + ":" + tag; }

descriptor descriptor_of(const json::object& o) {
  descriptor d;
  d.digest = json::value_to<std::string>(o.at("digest"));
  d.media_type = json::value_to<std::string>(o.at("mediaType"));
  d.size = o.at("size").to_number<std::uint64_t>();
  return d;
}

}  // namespace

std::pair<std::string, std::string> split_ref_name(std::string_view name) {
  const auto colon = name.rfind(':');
  if (colon == std::string_view::npos) return {std::string(), std::string(name)};
  return {std::string(name.substr(0, colon)), std::string(name.substr(colon + 1))};
}

std::optional<std::pair<std::string, std::string>> mappable_ref_name(std::string_view name) {
  if (name.empty()) return std::nullopt;
  auto [repo, tag] = split_ref_name(name);
  if ((!repo.empty() && !is_valid_repository(repo)) || !is_valid_tag(tag)) return std::nullopt;
  return std::pair{std::move(repo), std::move(tag)};
}

boost::system::result<layout_index, std::string> layout_index::parse(std::string_view bytes) {
  auto checked = parse_manifest(bytes, media::oci_index);
  if (!checked) return "index.json: " + checked.error();
  if (!checked->is_index()) return std::string("index.json is not an image index");
  for (const auto& d : checked->manifests)
    if (!media::is_manifest(d.media_type) && !media::is_index(d.media_type))
      return "index.json: entry " + d.digest + " has media type '" + d.media_type + "', not a manifest or index";
  json::error_code ec;
  auto doc = json::parse(bytes, ec);
  if (auto bad = settle_numbers(doc); !bad.empty())
    return "index.json: the number at " + bad + " cannot be written back as it reads (too large or too precise)";
  layout_index out;
  if (const auto* m = doc.as_object().if_contains("manifests"); m && m->is_array()) out.entries_ = m->as_array();
  return out;
}

std::string layout_index::render() const {
  json::array sorted = entries_;
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const json::value& a, const json::value& b) { return ref_of(a) < ref_of(b); });
  json::object doc;
  doc["schemaVersion"] = 2;
  doc["mediaType"] = media::oci_index;
  doc["manifests"] = std::move(sorted);
  return json::serialize(doc);
}

std::optional<descriptor> layout_index::find(const std::string& repo, const std::string& tag) const {
  const auto want = ref_name(repo, tag);
  for (const auto& e : entries_) {
    if (ref_of(e) == want) return descriptor_of(e.as_object());
  }
  return std::nullopt;
}

std::optional<descriptor> layout_index::find_digest(const std::string& digest) const {
  for (const auto& e : entries_)
    if (json::value_to<std::string>(e.as_object().at("digest")) == digest) return descriptor_of(e.as_object());
  return std::nullopt;
}

void layout_index::set(const std::string& repo, const std::string& tag, const descriptor& d) {
  remove(repo, tag);
  json::object o;
  o["mediaType"] = d.media_type;
  o["digest"] = d.digest;
  o["size"] = d.size;
  o["annotations"] = json::object{{ref_name_annotation, ref_name(repo, tag)}};
  entries_.push_back(std::move(o));
}

bool layout_index::remove(const std::string& repo, const std::string& tag) {
  const auto want = ref_name(repo, tag);
  const auto before = entries_.size();
  for (auto it = entries_.begin(); it != entries_.end();) it = ref_of(*it) == want ? entries_.erase(it) : it + 1;
  return entries_.size() != before;
}

std::vector<std::string> layout_index::repositories() const {
  std::set<std::string> out;
  for (const auto& e : entries_)
    if (auto m = mappable_ref_name(ref_of(e)); m && !m->first.empty()) out.insert(m->first);
  return {out.begin(), out.end()};
}

std::vector<std::string> layout_index::tags(const std::string& repo) const {
  std::vector<std::string> out;
  for (const auto& e : entries_)
    if (auto m = mappable_ref_name(ref_of(e)); m && m->first == repo) out.push_back(m->second);
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<layout_entry> layout_index::entries() const {
  std::vector<layout_entry> out;
  for (const auto& e : entries_) out.push_back({ref_of(e), descriptor_of(e.as_object())});
  return out;
}

std::vector<std::string> layout_index::unmappable() const {
  std::vector<std::string> out;
  for (const auto& e : entries()) {
    if (e.ref_name.empty())
      out.push_back(e.target.digest + " (no " + std::string(ref_name_annotation) + ")");
    else if (!mappable_ref_name(e.ref_name))
      out.push_back(e.target.digest + " (ref name '" + e.ref_name + "' is not a valid [REPO:]TAG)");
  }
  return out;
}

std::vector<std::string> layout_index::digests() const {
  std::vector<std::string> out;
  for (const auto& e : entries_) out.push_back(json::value_to<std::string>(e.as_object().at("digest")));
  return out;
}

boost::system::result<layout_entry, std::string> only_entry(const layout_index& idx, const std::string& where) {
  using result = boost::system::result<layout_entry, std::string>;
  auto all = idx.entries();
  if (all.size() == 1) return all.front();
  if (all.empty())
    return result(boost::system::in_place_error, where + " holds no image (its index.json has no entries)");
  std::string listed;
  constexpr std::size_t shown = 20;
  for (std::size_t i = 0; i < all.size() && i < shown; ++i)
    listed += (i ? ", " : "") + (all[i].ref_name.empty() ? "(no name) " + all[i].target.digest : all[i].ref_name);
  if (all.size() > shown) listed += ", and " + std::to_string(all.size() - shown) + " more";
  return result(boost::system::in_place_error, where + " holds " + std::to_string(all.size()) +
                                                   " images; name one as " + where + ":REF or " + where +
                                                   "@sha256:DIGEST (it has: " + listed + ")");
}

std::string layout_ref::str() const {
  std::string out = (kind == archive ? "oci-archive:" : "oci:") + path;
  if (!tag.empty()) out += ":" + (repository.empty() ? tag : repository + ":" + tag);
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::optional<boost::system::result<layout_ref, std::string>> parse_layout_ref(std::string_view text) {
  layout_ref r;
  if (text.starts_with("oci://")) return std::nullopt;  // helm's spelling of a registry reference, not a layout
  if (text.starts_with("oci:"))
    text.remove_prefix(4);
  else if (text.starts_with("oci-archive:"))
    text.remove_prefix(12), r.kind = layout_ref::archive;
  else
    return std::nullopt;
  using result = boost::system::result<layout_ref, std::string>;
  if (const auto at = text.rfind('@'); at != std::string_view::npos && text.substr(at + 1).starts_with("sha256:")) {
    r.digest = std::string(text.substr(at + 1));
    if (!is_valid_digest(r.digest)) return result("'" + r.digest + "' is not a sha256 digest");
    text = text.substr(0, at);
  }
  const auto colon = text.find(':');
  r.path = std::string(text.substr(0, colon));
  if (r.path.empty()) return boost::system::result<layout_ref, std::string>(std::string("no path after the transport"));
  if (colon != std::string_view::npos) {
    auto [repo, tag] = split_ref_name(text.substr(colon + 1));
    if (!repo.empty() && !is_valid_repository(repo))
      return boost::system::result<layout_ref, std::string>("'" + repo + "' is not a valid repository name");
    if (!is_valid_tag(tag)) return boost::system::result<layout_ref, std::string>("'" + tag + "' is not a valid tag");
    r.repository = std::move(repo);
    r.tag = std::move(tag);
  }
  return boost::system::result<layout_ref, std::string>(std::move(r));
}

}  // namespace ocimirror::transfer
