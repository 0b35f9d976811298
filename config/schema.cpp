// The JSON Schema of the configuration, generated from the key table (keys.cpp) so editors check what the loader
// checks: unknown keys, types, choices, ranges, required keys.
#include "config/keys.hpp"

#include <boost/json.hpp>

#include <sstream>

namespace ocimirror::config {
namespace json = boost::json;
namespace {

/// A value written as ${VAR} is substituted when the file is read, so it may stand for any string value.
const json::value variable = {{"type", "string"}, {"pattern", "\\$\\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\\}"}};

json::object section_schema(const section_spec& s);

json::value value_schema(const key_spec& k) {
  switch (k.type) {
    case value_type::string:
      return {{"type", "string"}};
    case value_type::choice: {
      json::array values;
      for (auto c : k.choices) values.emplace_back(json::string(c));
      return {{"anyOf", json::array{json::object{{"enum", values}}, variable}}};
    }
    case value_type::boolean:
      return {{"type", "boolean"}};
    case value_type::integer:
      return {{"type", "integer"}, {"minimum", k.lo}, {"maximum", k.hi}};
    case value_type::duration:
      return {{"anyOf", json::array{json::object{{"type", "string"}, {"pattern", "^([0-9]+[smhd])+$"}}, variable}}};
    case value_type::strings:
      return {{"type", "array"}, {"items", {{"type", "string"}}}};
    case value_type::section:
      return section_schema(section(k.of));
    case value_type::section_list:
      return {{"type", "array"}, {"minItems", 1}, {"items", section_schema(section(k.of))}};
    case value_type::section_by_name:
      // `HOST: ` with nothing after it takes every default, as `HOST: {}` does.
      return {{"type", "object"},
              {"additionalProperties",
               json::object{{"anyOf", json::array{section_schema(section(k.of)), json::object{{"type", "null"}}}}}}};
    case value_type::boolean_or_section:
      return {{"anyOf", json::array{json::object{{"type", "boolean"}}, section_schema(section(k.of))}}};
    case value_type::strings_or_section:
      return {{"anyOf", json::array{json::object{{"type", "array"}, {"minItems", 1}, {"items", {{"type", "string"}}}},
                                    section_schema(section(k.of))}}};
  }
  return {};
}

json::object section_schema(const section_spec& s) {
  json::object props;
  json::array required;
  for (const auto& k : s.keys) {
    auto v = value_schema(k).as_object();
    v["description"] = json::string(k.help);
    props[k.name] = std::move(v);
    if (k.required) required.emplace_back(json::string(k.name));
  }
  json::object out{
      {"type", "object"}, {"description", s.help}, {"properties", std::move(props)}, {"additionalProperties", false}};
  if (!required.empty()) out["required"] = std::move(required);
  return out;
}

void pretty(std::ostream& os, const json::value& v, const std::string& indent) {
  const auto inner = indent + "  ";
  if (v.is_object() && !v.as_object().empty()) {
    os << "{\n";
    bool first = true;
    for (const auto& [key, item] : v.as_object()) {
      os << (first ? "" : ",\n") << inner << json::serialize(json::string(key)) << ": ";
      pretty(os, item, inner);
      first = false;
    }
    os << "\n" << indent << "}";
  } else if (v.is_array() && !v.as_array().empty()) {
    os << "[\n";
    bool first = true;
    for (const auto& item : v.as_array()) {
      os << (first ? "" : ",\n") << inner;
      pretty(os, item, inner);
      first = false;
    }
    os << "\n" << indent << "]";
  } else {
    os << json::serialize(v);
  }
}

}  // namespace

std::string json_schema() {
  auto root = section_schema(section("file"));
  json::object doc{{"$schema", "https://json-schema.org/draft/2020-12/schema"}, {"title", "ocimirror configuration"}};
  for (auto& [key, item] : root) doc[key] = item;
  std::ostringstream os;
  pretty(os, doc, "");
  os << "\n";
  return os.str();
}

}  // namespace ocimirror::config
