#pragma once
// JSON bytes as Go's encoding/json writes them, for the blobs helm and flux make with json.Marshal: strings
// HTML-escaped (<, >, & as \u003c, \u003e, \u0026), U+2028/U+2029 escaped, invalid UTF-8 as \ufffd, map keys
// sorted, struct fields in declaration order. Same input, same bytes as Go (1.22 or later). Pure.
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace ocimirror::transfer::go_json {

/// s as a quoted JSON string, escaped as Go's encodeState.string does (go/src/encoding/json/encode.go).
std::string quote(std::string_view s);

/// Fields in the order they are added, as a Go struct marshals: `"key":value`. Values are raw JSON.
class object {
 public:
  object& raw(std::string_view key, std::string_view json);
  object& str(std::string_view key, std::string_view value) { return raw(key, quote(value)); }
  /// omitempty: nothing for an empty value.
  object& str_omitempty(std::string_view key, std::string_view value) {
    return value.empty() ? *this : str(key, value);
  }
  object& raw_omitempty(std::string_view key, std::string_view json) { return json.empty() ? *this : raw(key, json); }
  std::string json() const { return "{" + body_ + "}"; }
  bool empty() const { return body_.empty(); }

 private:
  std::string body_;
};

/// A map[string]string: keys sorted bytewise, as Go sorts map keys.
std::string string_map(const std::map<std::string, std::string>& m);
/// A []string.
std::string string_array(const std::vector<std::string>& v);
/// Raw JSON values as an array.
std::string array(const std::vector<std::string>& raw_values);

}  // namespace ocimirror::transfer::go_json
