#pragma once
// The configuration's key table: every section, its keys, what each holds and what it means. The loader rejects a
// key the table does not list, and the JSON Schema for editors (json_schema()) is generated from the same table, so
// the two cannot drift. Pure.
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::config {

enum class value_type {
  string,           ///< a string, ${VAR} substituted
  choice,           ///< one of `choices` (or a ${VAR} that gives one)
  boolean,          ///< true or false
  integer,          ///< a whole number in [lo, hi]
  duration,         ///< "45s", "15m", "1h30m", "1d"
  strings,          ///< a list of strings
  section,          ///< a mapping with the keys of section `of`
  section_list,     ///< a list of such mappings
  section_by_name,  ///< a mapping of names (registry hosts) to such mappings
  boolean_or_section,
  strings_or_section,
};

struct key_spec {
  std::string_view name;
  value_type type;
  std::string_view help;
  std::string_view of = {};                    ///< the section a section-valued key holds
  std::vector<std::string_view> choices = {};  ///< a choice's values
  long lo = 0, hi = 0;                         ///< an integer's range
  bool required = false;
  bool per_policy = false;  ///< a policy key `defaults:` may not give (its name, endpoints, repositories)
};

struct section_spec {
  std::string_view name, help;
  std::vector<key_spec> keys;
  const key_spec* find(std::string_view key) const;
};

/// The section called `name` ("file" is the top level; "defaults" is "policy" less its per-policy keys). An unknown
/// name is a programming error: std::out_of_range.
const section_spec& section(std::string_view name);

/// The JSON Schema (draft 2020-12) of the configuration file, pretty-printed, from the table above.
std::string json_schema();

}  // namespace ocimirror::config
