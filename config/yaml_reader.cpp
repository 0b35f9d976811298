#include "config/yaml_reader.hpp"

#include "config/keys.hpp"
#include "policy/schedule.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/suggest.hpp"

#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>

namespace ocimirror::config::detail {

void yaml_reader::error(const YAML::Node& n, const std::string& path, const std::string& msg) {
  auto m = n.Mark();
  errors.push_back({file, m.is_null() ? 0 : m.line + 1, m.is_null() ? 0 : m.column + 1, path, msg});
}

bool yaml_reader::check_map(const YAML::Node& n, const std::string& path, std::string_view section) {
  if (!n.IsMap()) {
    error(n, path, "must be a mapping");
    return false;
  }
  const auto& known = config::section(section);
  for (const auto& kv : n) {
    auto key = kv.first.as<std::string>();
    if (known.find(key)) continue;
    std::vector<std::string_view> names;
    for (const auto& k : known.keys) names.push_back(k.name);
    error(kv.first, path.empty() ? key : path + "." + key,
          "unknown key" + transfer::did_you_mean(key, names) + " (known: " + transfer::joined(names) + ")");
  }
  return true;
}

void yaml_reader::check_duplicates(const YAML::Node& n, const std::string& path) {
  if (n.IsSequence()) {
    for (std::size_t i = 0; i < n.size(); ++i) check_duplicates(n[i], path + "[" + std::to_string(i) + "]");
    return;
  }
  if (!n.IsMap()) return;
  std::set<std::string> seen;
  for (const auto& kv : n) {
    if (!kv.first.IsScalar()) continue;
    const auto key = kv.first.Scalar();
    const auto where = path.empty() ? key : path + "." + key;
    // yaml-cpp keeps the first of two equal keys and drops the second without a word: say so instead.
    if (!seen.insert(key).second)
      error(kv.first, where, "duplicate key '" + key + "' (the earlier one would be silently ignored)");
    check_duplicates(kv.second, where);
  }
}

std::optional<std::string> expand_variables(const std::string& in, const env_lookup& lookup, std::string& why) {
  std::string out;
  for (std::size_t i = 0; i < in.size();) {
    if (in.compare(i, 2, "${") != 0) {
      out += in[i++];
      continue;
    }
    const auto close = in.find('}', i);
    if (close == std::string::npos) {
      why = "unterminated ${ in value";
      return std::nullopt;
    }
    std::string var = in.substr(i + 2, close - i - 2);
    std::optional<std::string> fallback;
    if (auto sep = var.find(":-"); sep != std::string::npos) {
      fallback = var.substr(sep + 2);
      var.resize(sep);
    }
    auto val = lookup(var);
    if ((!val || val->empty()) && fallback) {
      val = fallback;
    } else if (!val) {
      why = "environment variable " + var + " is not set";
      return std::nullopt;
    } else if (val->empty()) {  // an empty password or token is a mistake, never what was meant
      why = "environment variable " + var + " is set but empty";
      return std::nullopt;
    }
    out += *val;
    i = close + 1;
  }
  return out;
}

std::optional<std::string> yaml_reader::str(const YAML::Node& n, const std::string& path) {
  if (!n.IsScalar()) {
    error(n, path, "must be a string");
    return std::nullopt;
  }
  const env_lookup process_env = [](const std::string& var) -> std::optional<std::string> {
    const char* v = std::getenv(var.c_str());
    return v ? std::optional<std::string>(v) : std::nullopt;
  };
  std::string why;
  auto out = expand_variables(n.Scalar(), env ? env : process_env, why);
  if (!out) error(n, path, why);
  return out;
}

std::optional<std::string> yaml_reader::secret(const YAML::Node& map, const std::string& path, const std::string& key) {
  const auto file_key = key + "_file";
  if (map[key] && map[file_key]) {
    error(map[file_key], path + "." + file_key, "give " + key + " or " + file_key + ", not both");
    return std::nullopt;
  }
  if (map[key]) return str(map[key], path + "." + key);
  if (!map[file_key]) return std::nullopt;
  auto name = str(map[file_key], path + "." + file_key);
  if (!name) return std::nullopt;
  std::string value;
  try {  // a regular file of at most 1 MiB: never a FIFO that holds a reload in open()
    value = transfer::file::read_file(*name, std::size_t(1) << 20);
  } catch (const transfer::error& e) {
    error(map[file_key], path + "." + file_key,
          "cannot read '" + *name + "' (" + transfer::file::failure_reason(e, *name) + ")");
    return std::nullopt;
  }
  if (value.ends_with("\r\n"))
    value.resize(value.size() - 2);
  else if (value.ends_with('\n'))
    value.pop_back();
  if (value.empty()) {  // never the secret meant, whatever the file's owner thought
    error(map[file_key], path + "." + file_key, "'" + *name + "' is empty");
    return std::nullopt;
  }
  return value;
}

std::vector<std::string> yaml_reader::str_list(const YAML::Node& n, const std::string& path) {
  std::vector<std::string> out;
  if (!n.IsSequence()) {
    error(n, path, "must be a list");
    return out;
  }
  for (std::size_t i = 0; i < n.size(); ++i)
    if (auto s = str(n[i], path + "[" + std::to_string(i) + "]")) out.push_back(*s);
  return out;
}

std::optional<bool> yaml_reader::boolean(const YAML::Node& n, const std::string& path) {
  bool b = false;
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, b)) {
    error(n, path, "must be true or false");
    return std::nullopt;
  }
  return b;
}

std::optional<long> yaml_reader::integer(const YAML::Node& n, const std::string& path, long lo, long hi) {
  long v = 0;
  if (!n.IsScalar() || !YAML::convert<long>::decode(n, v) || v < lo || v > hi) {
    error(n, path, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
    return std::nullopt;
  }
  return v;
}

std::optional<std::chrono::seconds> yaml_reader::duration(const YAML::Node& n, const std::string& path) {
  auto v = str(n, path);
  if (!v) return std::nullopt;
  auto d = policy::parse_duration(*v);
  if (!d) {
    error(n, path, d.error());
    return std::nullopt;
  }
  return *d;
}

}  // namespace ocimirror::config::detail
