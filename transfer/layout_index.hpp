#pragma once
// What names a layout (`oci:PATH[:REF]`, `oci-archive:PATH[:REF]`), and the index.json of an OCI image layout
// holding many repositories: each entry a manifest descriptor annotated
// `org.opencontainers.image.ref.name: <repo>:<tag>`. Entries this code does not understand (no ref name, other
// annotations, fields) are kept as they were. Pure: bytes in, bytes out.
#include "transfer/manifest.hpp"

#include <boost/json/array.hpp>
#include <boost/system/result.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ocimirror::transfer {

inline constexpr std::string_view ref_name_annotation = "org.opencontainers.image.ref.name";
inline constexpr std::string_view layout_marker = R"({"imageLayoutVersion":"1.0.0"})";

/// What `oci:PATH[:REF]` / `oci-archive:PATH[:REF]` says. PATH ends at the first ':' (as in skopeo); REF is
/// "repo:tag" (or a bare name skopeo wrote).
struct layout_ref {
  enum kind_t { directory, archive } kind = directory;
  std::string path;
  std::string repository, tag;  ///< empty when REF was not given
  std::string str() const;      ///< "oci:PATH[:REF]"
};
/// nullopt when text does not start with "oci:" or "oci-archive:"; an error when it does but is malformed.
std::optional<boost::system::result<layout_ref, std::string>> parse_layout_ref(std::string_view text);

/// "repo:tag" split at the last ':'; a name without one (skopeo's `oci:DIR:v1`) has an empty repository.
std::pair<std::string, std::string> split_ref_name(std::string_view name);

class layout_index {
 public:
  layout_index() = default;
  /// Parses index.json; every entry must be a descriptor with a valid digest and a manifest or index media type.
  static boost::system::result<layout_index, std::string> parse(std::string_view bytes);
  /// index.json bytes: OCI index, schemaVersion 2, entries sorted by ref name (the same content gives the same bytes).
  std::string render() const;

  /// The descriptor named repo:tag (or, for an empty repo, the bare name tag).
  std::optional<descriptor> find(const std::string& repo, const std::string& tag) const;
  /// Points repo:tag at d, replacing what it pointed at.
  void set(const std::string& repo, const std::string& tag, const descriptor& d);
  bool remove(const std::string& repo, const std::string& tag);

  /// Repositories named by the entries (sorted, unique, without the empty one).
  std::vector<std::string> repositories() const;
  std::vector<std::string> tags(const std::string& repo) const;
  /// Every manifest digest the entries point at (for graph walks: retention, completeness).
  std::vector<std::string> digests() const;
  std::size_t size() const { return entries_.size(); }

 private:
  boost::json::array entries_;
};

}  // namespace ocimirror::transfer
