#include "transfer/artifact/helm_chart.hpp"

#include "transfer/artifact/go_json.hpp"
#include "transfer/artifact/go_yaml.hpp"
#include "transfer/artifact/helm_text.hpp"

#include <yaml-cpp/yaml.h>

#include <functional>
#include <optional>
#include <regex>

namespace ocimirror::transfer::helm {
namespace {

using error_text = std::string;  // empty: no error
using setter = std::function<error_text(const YAML::Node&)>;
struct field {
  std::string_view name;
  setter set;
};

/// The JSON kind a YAML node becomes, as Go's "cannot unmarshal X into ..." names it.
std::string json_kind(const YAML::Node& n) {
  if (n.IsMap()) return "object";
  if (n.IsSequence()) return "array";
  if (n.IsNull()) return "null";
  if (n.Tag() == "!") return "string";
  switch (go_yaml::resolve_plain(n.Scalar()).type) {
    case go_yaml::kind::boolean:
      return "bool";
    case go_yaml::kind::integer:
    case go_yaml::kind::floating:
      return "number";
    default:
      return "string";
  }
}

bool quoted(const YAML::Node& n) { return n.Tag() == "!" || n.Tag() == "tag:yaml.org,2002:str"; }

error_text mismatch(const YAML::Node& n, std::string_view where, std::string_view go_type) {
  return "'" + std::string(where) + "' is " + json_kind(n) + " in YAML, but helm reads " + std::string(go_type) +
         " there (json: cannot unmarshal " + json_kind(n) + " into Go struct field " + std::string(where) +
         " of type " + std::string(go_type) + ")";
}

/// A Go string field: numbers and booleans become strings (sigs.k8s.io/yaml), null leaves the field as it was.
error_text set_string(const YAML::Node& n, std::string& out, std::string_view where) {
  if (n.IsNull()) return {};
  if (!n.IsScalar()) return mismatch(n, where, "string");
  if (quoted(n)) return out = n.Scalar(), error_text{};
  const auto s = go_yaml::resolve_plain(n.Scalar());
  if (s.type != go_yaml::kind::null) out = s.as_go_string();
  return {};
}

error_text set_bool(const YAML::Node& n, bool& out, std::string_view where) {
  if (n.IsNull()) return {};
  if (n.IsScalar() && !quoted(n)) {
    const auto s = go_yaml::resolve_plain(n.Scalar());
    if (s.type == go_yaml::kind::boolean) return out = s.boolean, error_text{};
    if (s.type == go_yaml::kind::null) return {};
  }
  return mismatch(n, where, "bool");
}

error_text set_strings(const YAML::Node& n, std::vector<std::string>& out, std::string_view where) {
  if (n.IsNull()) return out.clear(), error_text{};
  if (!n.IsSequence()) return mismatch(n, where, "[]string");
  out.clear();
  for (const auto& e : n) {
    std::string v;
    if (auto err = set_string(e, v, where); !err.empty()) return err;
    out.push_back(std::move(v));
  }
  return {};
}

/// A YAML map key as sigs.k8s.io/yaml turns it into a JSON key.
std::optional<std::string> key_string(const YAML::Node& k) {
  if (!k.IsScalar()) return std::nullopt;
  if (quoted(k)) return k.Scalar();
  const auto s = go_yaml::resolve_plain(k.Scalar());
  if (s.type == go_yaml::kind::null) return std::nullopt;
  if (s.type == go_yaml::kind::floating) {
    auto f = go_yaml::format_float32(s.number);
    return f == "+Inf" ? ".inf" : f == "-Inf" ? "-.inf" : f == "NaN" ? ".nan" : f;
  }
  return s.as_go_string();
}

bool ascii_fold_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

/// Decodes a YAML map into a Go struct: keys in sorted order (the JSON sigs.k8s.io/yaml hands to encoding/json),
/// each to the field of that name, else of that name in another case; unknown keys ignored.
error_text decode_struct(const YAML::Node& n, const std::vector<field>& fields, std::string_view type) {
  if (n.IsNull()) return {};
  if (!n.IsMap()) return "helm reads a map for " + std::string(type) + ", not " + json_kind(n);
  std::map<std::string, YAML::Node> keyed;
  for (const auto& kv : n) {
    auto k = key_string(kv.first);
    if (!k) return "a key in " + std::string(type) + " is not a string, number or boolean";
    keyed[*k] = kv.second;
  }
  for (const auto& [k, v] : keyed) {
    const field* chosen = nullptr;
    for (const auto& f : fields)
      if (f.name == k) chosen = &f;
    for (const auto& f : fields)
      if (!chosen && ascii_fold_equal(f.name, k)) chosen = &f;
    if (chosen)
      if (auto err = chosen->set(v); !err.empty()) return err;
  }
  return {};
}

/// An interface{} value (import-values): YAML to the JSON encoding/json writes after a round trip.
error_text any_json(const YAML::Node& n, std::string& out) {
  if (n.IsNull()) return out = "null", error_text{};
  if (n.IsScalar()) {
    if (quoted(n)) return out = go_json::quote(n.Scalar()), error_text{};
    const auto s = go_yaml::resolve_plain(n.Scalar());
    out = s.type == go_yaml::kind::string ? go_json::quote(s.text) : s.as_json();
    return {};
  }
  if (n.IsSequence()) {
    std::vector<std::string> items;
    for (const auto& e : n) {
      std::string v;
      if (auto err = any_json(e, v); !err.empty()) return err;
      items.push_back(std::move(v));
    }
    return out = go_json::array(items), error_text{};
  }
  std::map<std::string, std::string> sorted;
  for (const auto& kv : n) {
    auto k = key_string(kv.first);
    if (!k) return "a key in import-values is not a string, number or boolean";
    if (auto err = any_json(kv.second, sorted[*k]); !err.empty()) return err;
  }
  go_json::object o;
  for (const auto& [k, v] : sorted) o.raw(k, v);
  return out = o.json(), error_text{};
}

error_text decode_maintainers(const YAML::Node& n, metadata& m) {
  if (n.IsNull()) return m.maintainers.clear(), m.null_maintainers = 0, error_text{};
  if (!n.IsSequence()) return mismatch(n, "Metadata.maintainers", "[]*v2.Maintainer");
  m.maintainers.clear();
  m.null_maintainers = 0;
  for (const auto& e : n) {
    if (e.IsNull()) {
      ++m.null_maintainers;
      continue;
    }
    maintainer x;
    const std::vector<field> fields{
        {"name", [&](const YAML::Node& v) { return set_string(v, x.name, "Maintainer.name"); }},
        {"email", [&](const YAML::Node& v) { return set_string(v, x.email, "Maintainer.email"); }},
        {"url", [&](const YAML::Node& v) { return set_string(v, x.url, "Maintainer.url"); }},
    };
    if (auto err = decode_struct(e, fields, "a maintainer"); !err.empty()) return err;
    m.maintainers.push_back(std::move(x));
  }
  return {};
}

error_text decode_dependency(const YAML::Node& e, dependency& d) {
  const std::vector<field> fields{
      {"name", [&](const YAML::Node& v) { return set_string(v, d.name, "Dependency.name"); }},
      {"version", [&](const YAML::Node& v) { return set_string(v, d.version, "Dependency.version"); }},
      {"repository", [&](const YAML::Node& v) { return set_string(v, d.repository, "Dependency.repository"); }},
      {"condition", [&](const YAML::Node& v) { return set_string(v, d.condition, "Dependency.condition"); }},
      {"tags", [&](const YAML::Node& v) { return set_strings(v, d.tags, "Dependency.tags"); }},
      {"enabled", [&](const YAML::Node& v) { return set_bool(v, d.enabled, "Dependency.enabled"); }},
      {"import-values",
       [&](const YAML::Node& v) -> error_text {
         d.import_values.clear();
         if (v.IsNull()) return {};
         if (!v.IsSequence()) return mismatch(v, "Dependency.import-values", "[]interface {}");
         for (const auto& item : v) {
           std::string j;
           if (auto err = any_json(item, j); !err.empty()) return err;
           d.import_values.push_back(std::move(j));
         }
         return {};
       }},
      {"alias", [&](const YAML::Node& v) { return set_string(v, d.alias, "Dependency.alias"); }},
  };
  return decode_struct(e, fields, "a dependency");
}

error_text decode_dependencies(const YAML::Node& n, metadata& m) {
  if (n.IsNull()) return m.dependencies.clear(), error_text{};
  if (!n.IsSequence()) return mismatch(n, "Metadata.dependencies", "[]*v2.Dependency");
  m.dependencies.clear();
  for (const auto& e : n) {
    dependency d;
    d.null = e.IsNull();
    if (auto err = decode_dependency(e, d); !err.empty()) return err;
    m.dependencies.push_back(std::move(d));
  }
  return {};
}

error_text decode_annotations(const YAML::Node& n, metadata& m) {
  if (n.IsNull()) return m.annotations.clear(), error_text{};
  if (!n.IsMap()) return mismatch(n, "Metadata.annotations", "map[string]string");
  for (const auto& kv : n) {
    auto k = key_string(kv.first);
    if (!k) return "an annotation key is not a string, number or boolean";
    std::string v;
    if (auto err = set_string(kv.second, v, "Metadata.annotations"); !err.empty()) return err;
    m.annotations[*k] = std::move(v);
  }
  return {};
}

std::vector<field> metadata_fields(metadata& m) {
  auto str = [](std::string& f, std::string_view where) {
    return [&f, where](const YAML::Node& v) { return set_string(v, f, where); };
  };
  return {
      {"name", str(m.name, "Metadata.name")},
      {"home", str(m.home, "Metadata.home")},
      {"sources", [&m](const YAML::Node& v) { return set_strings(v, m.sources, "Metadata.sources"); }},
      {"version", str(m.version, "Metadata.version")},
      {"description", str(m.description, "Metadata.description")},
      {"keywords", [&m](const YAML::Node& v) { return set_strings(v, m.keywords, "Metadata.keywords"); }},
      {"maintainers", [&m](const YAML::Node& v) { return decode_maintainers(v, m); }},
      {"icon", str(m.icon, "Metadata.icon")},
      {"apiVersion", str(m.api_version, "Metadata.apiVersion")},
      {"condition", str(m.condition, "Metadata.condition")},
      {"tags", str(m.tags, "Metadata.tags")},
      {"appVersion", str(m.app_version, "Metadata.appVersion")},
      {"deprecated", [&m](const YAML::Node& v) { return set_bool(v, m.deprecated, "Metadata.deprecated"); }},
      {"annotations", [&m](const YAML::Node& v) { return decode_annotations(v, m); }},
      {"kubeVersion", str(m.kube_version, "Metadata.kubeVersion")},
      {"dependencies", [&m](const YAML::Node& v) { return decode_dependencies(v, m); }},
      {"type", str(m.type, "Metadata.type")},
  };
}

error_text load_into(std::string_view text, std::string_view file, metadata& m) {
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return std::string(file) + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg;
  }
  if (auto err = decode_struct(root, metadata_fields(m), "the chart metadata"); !err.empty())
    return std::string(file) + ": " + err;
  return {};
}

}  // namespace

boost::system::result<metadata, std::string> parse(std::string_view chart_yaml, std::string_view requirements_yaml) {
  using result = boost::system::result<metadata, std::string>;
  metadata m;
  if (auto err = load_into(chart_yaml, "Chart.yaml", m); !err.empty())
    return result(boost::system::in_place_error, err);
  if (m.api_version.empty()) m.api_version = "v1";  // helm 2 charts: loader.LoadFiles assumes v1
  if (!requirements_yaml.empty())
    if (auto err = load_into(requirements_yaml, "requirements.yaml", m); !err.empty())
      return result(boost::system::in_place_error, err);
  return m;
}

bool valid_semver(std::string_view v) {
  static const std::regex re(
      R"(^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?(\+([0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*))?$)");
  std::match_results<std::string_view::const_iterator> m;
  if (!std::regex_match(v.begin(), v.end(), m, re)) return false;
  for (int i : {1, 2, 3}) {  // each a uint64 (strconv.ParseUint)
    auto s = m[i].str();
    if (!s.empty() && s[0] == '.') s.erase(0, 1);
    if (s.size() > 20 || (s.size() == 20 && s > "18446744073709551615")) return false;
  }
  const auto pre = m[5].str();  // numeric pre-release parts: no leading zero (validatePrerelease)
  for (std::size_t start = 0; !pre.empty() && start <= pre.size();) {
    auto dot = pre.find('.', start);
    if (dot == std::string::npos) dot = pre.size();
    const auto part = pre.substr(start, dot - start);
    if (part.size() > 1 && part[0] == '0' && part.find_first_not_of("0123456789") == std::string::npos) return false;
    start = dot + 1;
  }
  return true;
}

}  // namespace ocimirror::transfer::helm
