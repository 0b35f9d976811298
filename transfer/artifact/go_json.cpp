#include "transfer/artifact/go_json.hpp"

#include "transfer/oci/utf8.hpp"

namespace ocimirror::transfer::go_json {

std::string quote(std::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      switch (c) {
        case '"':
          out += "\\\"";
          continue;
        case '\\':
          out += "\\\\";
          continue;
        case '\b':
          out += "\\b";
          continue;
        case '\f':
          out += "\\f";
          continue;
        case '\n':
          out += "\\n";
          continue;
        case '\r':
          out += "\\r";
          continue;
        case '\t':
          out += "\\t";
          continue;
        default:
          break;
      }
      if (c < 0x20 || c == '<' || c == '>' || c == '&') {
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xf];
      } else {
        out += static_cast<char>(c);
      }
      continue;
    }
    const auto r = utf8::decode(s.substr(i));
    if (r.invalid) {
      out += "\\ufffd";
    } else if (r.rune == 0x2028 || r.rune == 0x2029) {
      out += r.rune == 0x2028 ? "\\u2028" : "\\u2029";
    } else {
      out.append(s.substr(i, r.width));
    }
    i += r.width;
  }
  return out + "\"";
}

object& object::raw(std::string_view key, std::string_view json) {
  if (!body_.empty()) body_ += ',';
  body_ += quote(key);
  body_ += ':';
  body_ += json;
  return *this;
}

std::string string_map(const std::map<std::string, std::string>& m) {
  object o;
  for (const auto& [k, v] : m) o.str(k, v);  // std::map orders keys bytewise, as Go's sort of map keys does
  return o.json();
}

std::string string_array(const std::vector<std::string>& v) {
  std::vector<std::string> raw;
  raw.reserve(v.size());
  for (const auto& s : v) raw.push_back(quote(s));
  return array(raw);
}

std::string array(const std::vector<std::string>& raw_values) {
  std::string out = "[";
  for (std::size_t i = 0; i < raw_values.size(); ++i) out += (i ? "," : "") + raw_values[i];
  return out + "]";
}

}  // namespace ocimirror::transfer::go_json
