#pragma once
// A chart's metadata as helm holds it (helm.sh/helm pkg/chart/v2/metadata.go `Metadata`): Chart.yaml read the way
// helm's loader reads it (sigs.k8s.io/yaml into the typed struct), validated and sanitized as Metadata.Validate
// does, and written back as helm push writes its config blob (json.Marshal: field order, omitempty, escaping) and
// its manifest annotations (pkg/registry/chart.go generateOCIAnnotations). Pure: text in, bytes out.
#include <boost/system/result.hpp>

#include <map>
#include <string>
#include <vector>

namespace ocimirror::transfer::helm {

struct maintainer {
  std::string name, email, url;
};

struct dependency {
  std::string name, version, repository, condition;
  std::vector<std::string> tags;
  bool enabled = false;
  std::vector<std::string> import_values;  ///< raw JSON values (strings or {child, parent} maps)
  std::string alias;
  bool null = false;  ///< a null entry in the list: helm refuses it
};

struct metadata {
  std::string name, home;
  std::vector<std::string> sources;
  std::string version, description;
  std::vector<std::string> keywords;
  std::vector<maintainer> maintainers;
  std::size_t null_maintainers = 0;
  std::string icon, api_version, condition, tags, app_version;
  bool deprecated = false;
  std::map<std::string, std::string> annotations;
  std::string kube_version;
  std::vector<dependency> dependencies;
  std::string type;
};

/// Reads Chart.yaml (and then, for charts with one, requirements.yaml over it, as helm's loader does) into
/// metadata. An error names the field and what YAML gave it, as helm's "cannot unmarshal" does.
boost::system::result<metadata, std::string> parse(std::string_view chart_yaml,
                                                   std::string_view requirements_yaml = {});

/// helm's Metadata.Validate: sanitizes the fields helm sanitizes (white space to ' ', unprintable runes dropped)
/// and checks what helm checks. Returns the problem in helm's words, or an empty string.
std::string validate(metadata& m);

/// The config blob: json.Marshal(Metadata).
std::string config_json(const metadata& m);

/// The manifest annotations helm push sets; created is RFC 3339.
std::map<std::string, std::string> annotations(const metadata& m, const std::string& created);

/// Masterminds/semver NewVersion's acceptance (what helm checks a chart version with).
bool valid_semver(std::string_view v);

}  // namespace ocimirror::transfer::helm
