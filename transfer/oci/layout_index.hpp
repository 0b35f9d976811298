#pragma once
// What names a layout (`oci:PATH[:REF]`, `oci-archive:PATH[:REF]`), and the index.json of an OCI image layout
// holding many repositories: each entry a manifest descriptor annotated
// `org.opencontainers.image.ref.name: <repo>:<tag>`. Entries this code does not understand (no ref name, other
// annotations, fields) are kept as they were. Pure: bytes in, bytes out.
#include "transfer/oci/manifest.hpp"

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

/// What `oci:PATH[:REF][@DIGEST]` / `oci-archive:PATH[:REF][@DIGEST]` says. PATH ends at the first ':' (as in
/// skopeo); REF is the entry's `org.opencontainers.image.ref.name` as written, in both directions: "repo:tag" is
/// tag of repository repo, a bare "v1" (what skopeo `oci:DIR:v1` and umoci write) a tag of the layout's unnamed
/// repository. DIGEST selects an entry (named or not) by its manifest digest.
struct layout_ref {
  enum kind_t { directory, archive } kind = directory;
  std::string path;
  std::string repository, tag;  ///< empty when REF was not given; repository empty for a bare name
  std::string digest;           ///< "sha256:..." when @DIGEST was given
  std::string str() const;      ///< "oci:PATH[:REF][@DIGEST]"
};
/// nullopt when text does not start with "oci:" or "oci-archive:"; an error when it does but is malformed.
std::optional<boost::system::result<layout_ref, std::string>> parse_layout_ref(std::string_view text);

/// "repo:tag" split at the last ':'; a name without one (skopeo's `oci:DIR:v1`) has an empty repository.
std::pair<std::string, std::string> split_ref_name(std::string_view name);
/// The (repository, tag) a ref name maps to, when both are valid names (the repository empty for a bare tag);
/// nullopt for an empty name or one that is not a valid [REPO:]TAG.
std::optional<std::pair<std::string, std::string>> mappable_ref_name(std::string_view name);

/// One index.json entry: its ref name as written (empty when it has none) and what it points at.
struct layout_entry {
  std::string ref_name;
  descriptor target;
};

class layout_index {
 public:
  layout_index() = default;
  /// Parses index.json; every entry must be a descriptor with a valid digest and a manifest or index media type.
  static boost::system::result<layout_index, std::string> parse(std::string_view bytes);
  /// index.json bytes: OCI index, schemaVersion 2, entries sorted by ref name (the same content gives the same bytes).
  std::string render() const;

  /// The descriptor named repo:tag (or, for an empty repo, the bare name tag).
  std::optional<descriptor> find(const std::string& repo, const std::string& tag) const;
  /// The descriptor of an entry (named or not) that points at digest.
  std::optional<descriptor> find_digest(const std::string& digest) const;
  /// Points repo:tag at d, replacing what it pointed at.
  void set(const std::string& repo, const std::string& tag, const descriptor& d);
  bool remove(const std::string& repo, const std::string& tag);

  /// Repositories named by the entries (sorted, unique, without the empty one). Only valid names count.
  std::vector<std::string> repositories() const;
  /// The tags of repo (the empty repo: bare names), sorted. Only valid repository names and tags count.
  std::vector<std::string> tags(const std::string& repo) const;
  /// Every entry in file order, with or without a ref name.
  std::vector<layout_entry> entries() const;
  /// Entries no repository and tag can name (no ref name, or one that is not a valid repo:tag), each described
  /// as "sha256:... (why)": what a policy cannot map and must report.
  std::vector<std::string> unmappable() const;
  /// Every manifest digest the entries point at (for graph walks: retention, completeness).
  std::vector<std::string> digests() const;
  std::size_t size() const { return entries_.size(); }

 private:
  boost::json::array entries_;
};

/// What `oci:PATH` with neither REF nor DIGEST means, as skopeo reads it: the layout's only entry, named or not.
/// An error (naming `where`) lists the entries when there are none or several.
boost::system::result<layout_entry, std::string> only_entry(const layout_index& idx, const std::string& where);

}  // namespace ocimirror::transfer
