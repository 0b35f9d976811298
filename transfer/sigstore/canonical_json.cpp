#include "transfer/sigstore/canonical_json.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <vector>

namespace ocimirror::transfer::sigstore {

namespace {

void string_to(std::string& out, boost::json::string_view s) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void value_to(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::object: {
      std::vector<const boost::json::key_value_pair*> members;
      for (const auto& kv : v.as_object()) members.push_back(&kv);
      std::sort(members.begin(), members.end(), [](auto* a, auto* b) { return a->key() < b->key(); });
      out += '{';
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i) out += ',';
        string_to(out, members[i]->key());
        out += ':';
        value_to(out, members[i]->value());
      }
      out += '}';
      break;
    }
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.as_array()) {
        if (!first) out += ',';
        first = false;
        value_to(out, e);
      }
      out += ']';
      break;
    }
    case boost::json::kind::string:
      string_to(out, v.as_string());
      break;
    case boost::json::kind::int64:
      out += std::to_string(v.as_int64());
      break;
    case boost::json::kind::uint64:
      out += std::to_string(v.as_uint64());
      break;
    case boost::json::kind::double_: {
      const double d = v.as_double();
      if (d == static_cast<double>(static_cast<long long>(d)) && d > -9.0e15 && d < 9.0e15)
        out += std::to_string(static_cast<long long>(d));
      else
        out += boost::json::serialize(v);
      break;
    }
    case boost::json::kind::bool_:
      out += v.as_bool() ? "true" : "false";
      break;
    case boost::json::kind::null:
      out += "null";
      break;
  }
}

}  // namespace

std::string canonical_json(const boost::json::value& v) {
  std::string out;
  value_to(out, v);
  return out;
}

}  // namespace ocimirror::transfer::sigstore
