// Metadata.Validate, json.Marshal(Metadata) and generateOCIAnnotations, rule for rule from helm's source.
#include "transfer/artifact/go_json.hpp"
#include "transfer/artifact/helm_chart.hpp"
#include "transfer/artifact/helm_text.hpp"

#include <regex>
#include <set>

namespace ocimirror::transfer::helm {
namespace {

std::string validation(const std::string& what) { return "validation: " + what; }  // helm's ValidationError prefix

void sanitize_all(std::vector<std::string>& v) {
  for (auto& s : v) s = sanitize(s);
}

std::string validate_dependencies(metadata& m) {
  static const std::regex alias_format("^[a-zA-Z0-9_-]+$");  // pkg/chart/v2/dependency.go aliasNameFormat
  std::set<std::string> seen;
  for (auto& d : m.dependencies) {
    if (d.null) return validation("dependencies must not contain empty or null nodes");
    d.name = sanitize(d.name);
    d.version = sanitize(d.version);
    d.repository = sanitize(d.repository);
    d.condition = sanitize(d.condition);
    sanitize_all(d.tags);
    if (!d.alias.empty() && !std::regex_match(d.alias, alias_format))
      return validation("dependency \"" + d.name + "\" has disallowed characters in the alias");
    const auto& key = d.alias.empty() ? d.name : d.alias;
    if (!seen.insert(key).second) return validation("more than one dependency with name or alias \"" + key + "\"");
  }
  return {};
}

std::string dependency_json(const dependency& d) {
  go_json::object o;
  o.str("name", d.name).str_omitempty("version", d.version).str("repository", d.repository);
  o.str_omitempty("condition", d.condition);
  if (!d.tags.empty()) o.raw("tags", go_json::string_array(d.tags));
  if (d.enabled) o.raw("enabled", "true");
  if (!d.import_values.empty()) o.raw("import-values", go_json::array(d.import_values));
  o.str_omitempty("alias", d.alias);
  return o.json();
}

/// filepath.Base for a slash-separated name.
std::string base(std::string s) {
  while (s.size() > 1 && s.back() == '/') s.pop_back();
  if (s == "/") return s;
  auto slash = s.rfind('/');
  return slash == std::string::npos ? s : s.substr(slash + 1);
}

}  // namespace

std::string validate(metadata& m) {
  m.name = sanitize(m.name);
  m.description = sanitize(m.description);
  m.home = sanitize(m.home);
  m.icon = sanitize(m.icon);
  m.condition = sanitize(m.condition);
  m.tags = sanitize(m.tags);
  m.app_version = sanitize(m.app_version);
  m.kube_version = sanitize(m.kube_version);
  sanitize_all(m.sources);
  sanitize_all(m.keywords);
  if (m.api_version.empty()) return validation("chart.metadata.apiVersion is required");
  if (m.name.empty()) return validation("chart.metadata.name is required");
  if (m.name == "." || m.name == "..") return validation("chart.metadata.name \"" + m.name + "\" is not allowed");
  if (m.name != base(m.name)) return validation("chart.metadata.name \"" + m.name + "\" is invalid");
  if (m.version.empty()) return validation("chart.metadata.version is required");
  if (!valid_semver(m.version)) return validation("chart.metadata.version \"" + m.version + "\" is invalid");
  if (!(m.type.empty() || m.type == "application" || m.type == "library"))
    return validation("chart.metadata.type must be application or library");
  if (m.null_maintainers) return validation("maintainers must not contain empty or null nodes");
  for (auto& x : m.maintainers) x = {sanitize(x.name), sanitize(x.email), sanitize(x.url)};
  return validate_dependencies(m);
}

std::string config_json(const metadata& m) {
  go_json::object o;
  o.str_omitempty("name", m.name).str_omitempty("home", m.home);
  if (!m.sources.empty()) o.raw("sources", go_json::string_array(m.sources));
  o.str_omitempty("version", m.version).str_omitempty("description", m.description);
  if (!m.keywords.empty()) o.raw("keywords", go_json::string_array(m.keywords));
  if (!m.maintainers.empty()) {
    std::vector<std::string> items;
    for (const auto& x : m.maintainers)
      items.push_back(go_json::object()
                          .str_omitempty("name", x.name)
                          .str_omitempty("email", x.email)
                          .str_omitempty("url", x.url)
                          .json());
    o.raw("maintainers", go_json::array(items));
  }
  o.str_omitempty("icon", m.icon).str_omitempty("apiVersion", m.api_version).str_omitempty("condition", m.condition);
  o.str_omitempty("tags", m.tags).str_omitempty("appVersion", m.app_version);
  if (m.deprecated) o.raw("deprecated", "true");
  if (!m.annotations.empty()) o.raw("annotations", go_json::string_map(m.annotations));
  o.str_omitempty("kubeVersion", m.kube_version);
  if (!m.dependencies.empty()) {
    std::vector<std::string> items;
    for (const auto& d : m.dependencies) items.push_back(dependency_json(d));
    o.raw("dependencies", go_json::array(items));
  }
  o.str_omitempty("type", m.type);
  return o.json();
}

std::map<std::string, std::string> annotations(const metadata& m, const std::string& created) {
  std::map<std::string, std::string> a;
  auto add = [&](const char* k, const std::string& v) {  // addToMap: only values that are not blank
    if (!blank(v)) a[k] = v;
  };
  add("org.opencontainers.image.description", m.description);
  add("org.opencontainers.image.title", m.name);
  add("org.opencontainers.image.version", m.version);
  add("org.opencontainers.image.url", m.home);
  add("org.opencontainers.image.created", created);
  if (!m.sources.empty()) add("org.opencontainers.image.source", m.sources.front());
  if (!m.maintainers.empty()) {
    std::string authors;
    for (std::size_t i = 0; i < m.maintainers.size(); ++i) {
      authors += m.maintainers[i].name;
      if (!m.maintainers[i].email.empty()) authors += " (" + m.maintainers[i].email + ")";
      if (i + 1 < m.maintainers.size()) authors += ", ";
    }
    add("org.opencontainers.image.authors", authors);
  }
  for (const auto& [k, v] : m.annotations)  // every chart annotation, except the two helm keeps for itself
    if (k != "org.opencontainers.image.version" && k != "org.opencontainers.image.title") a[k] = v;
  return a;
}

}  // namespace ocimirror::transfer::helm
