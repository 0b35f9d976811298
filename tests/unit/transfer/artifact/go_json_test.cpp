// Go's encoding/json string encoding (go/src/encoding/json/encode.go, encodeState.string with escapeHTML) and
// strconv.FormatFloat as sigs.k8s.io/yaml and encoding/json use it, case by case.
#include "transfer/artifact/go_json.hpp"
#include "transfer/artifact/go_yaml.hpp"

#include <gtest/gtest.h>

using namespace ocimirror::transfer;

TEST(GoJson, EscapesAsGoDoes) {
  EXPECT_EQ(go_json::quote("plain"), "\"plain\"");
  EXPECT_EQ(go_json::quote("a<b>&c"), "\"a\\u003cb\\u003e\\u0026c\"");  // escapeHTML is on in json.Marshal
  EXPECT_EQ(go_json::quote("q\"\\"), "\"q\\\"\\\\\"");
  EXPECT_EQ(go_json::quote("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");  // \b and \f short since Go 1.22
  EXPECT_EQ(go_json::quote(std::string("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
  EXPECT_EQ(go_json::quote("\x7f"), "\"\x7f\"");                              // DEL is not escaped
  EXPECT_EQ(go_json::quote("d\xc3\xa9j\xc3\xa0"), "\"d\xc3\xa9j\xc3\xa0\"");  // valid UTF-8 stays as is
  EXPECT_EQ(go_json::quote("\xe2\x80\xa8\xe2\x80\xa9"), "\"\\u2028\\u2029\"");
  EXPECT_EQ(go_json::quote("a\xff"
                           "b"),
            "\"a\\ufffdb\"");                                              // an invalid byte
  EXPECT_EQ(go_json::quote("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate: three invalid bytes
  EXPECT_EQ(go_json::quote("\xc0\xaf"), "\"\\ufffd\\ufffd\"");             // an overlong form
}

TEST(GoJson, ObjectsKeepFieldOrderAndMapsSortKeys) {
  go_json::object o;
  o.str("z", "1").str_omitempty("empty", "").raw("a", "2");
  EXPECT_EQ(o.json(), R"({"z":"1","a":2})");
  EXPECT_EQ(go_json::string_map({{"b", "2"}, {"B", "1"}, {"a", "<"}}), R"({"B":"1","a":"\u003c","b":"2"})");
  EXPECT_EQ(go_json::string_array({"x", "y"}), R"(["x","y"])");
}

TEST(GoYaml, PlainScalarsResolveAsYamlV2) {
  using go_yaml::kind;
  for (auto t : {"", "~", "null", "Null", "NULL"}) EXPECT_EQ(go_yaml::resolve_plain(t).type, kind::null) << t;
  for (auto t : {"yes", "Yes", "on", "ON", "y", "true", "True"}) {
    auto s = go_yaml::resolve_plain(t);
    EXPECT_EQ(s.type, kind::boolean) << t;
    EXPECT_TRUE(s.boolean) << t;
  }
  for (auto t : {"no", "off", "n", "False"}) EXPECT_FALSE(go_yaml::resolve_plain(t).boolean) << t;
  EXPECT_EQ(go_yaml::resolve_plain("yes please").type, kind::string);
  // To a Go string field (sigs.k8s.io/yaml convertToJSONableObject).
  auto str = [](const char* t) { return go_yaml::resolve_plain(t).as_go_string(); };
  EXPECT_EQ(str("1.10"), "1.1");  // the famous one: a float, through float32
  EXPECT_EQ(str("1.0"), "1");
  EXPECT_EQ(str("2.30"), "2.3");
  EXPECT_EQ(str("10"), "10");
  EXPECT_EQ(str("0777"), "511");  // YAML 1.1 octal
  EXPECT_EQ(str("0x1F"), "31");
  EXPECT_EQ(str("0b101"), "5");
  EXPECT_EQ(str("1_000"), "1000");
  EXPECT_EQ(str("-5"), "-5");
  EXPECT_EQ(str("+7"), "7");
  EXPECT_EQ(str("08"), "8");  // not octal: a float
  EXPECT_EQ(str("1e3"), "1000");
  EXPECT_EQ(str("1e6"), "1e+06");
  EXPECT_EQ(str("123456"), "123456");
  EXPECT_EQ(str("1234567.5"), "1.2345675e+06");
  EXPECT_EQ(str("0.0001"), "0.0001");
  EXPECT_EQ(str("0.00001"), "1e-05");
  EXPECT_EQ(str(".5"), "0.5");
  EXPECT_EQ(str("3.14159265"), "3.1415927");
  EXPECT_EQ(str(".inf"), "+Inf");
  EXPECT_EQ(str("yes"), "true");
  EXPECT_EQ(str("1.2.3"), "1.2.3");
  EXPECT_EQ(str("v1"), "v1");
  EXPECT_EQ(str("-"), "-");
  EXPECT_EQ(str("18446744073709551615"), "18446744073709551615");  // ParseUint
  EXPECT_EQ(str("18446744073709551616"), "1.8446744e+19");         // past uint64: a float
}

TEST(GoYaml, JsonFloatsAsEncodingJson) {
  EXPECT_EQ(go_yaml::format_json_float(1), "1");
  EXPECT_EQ(go_yaml::format_json_float(1.5), "1.5");
  EXPECT_EQ(go_yaml::format_json_float(1e21), "1e+21");
  EXPECT_EQ(go_yaml::format_json_float(1e20), "100000000000000000000");
  EXPECT_EQ(go_yaml::format_json_float(1e-7), "1e-7");
  EXPECT_EQ(go_yaml::format_json_float(0.000001), "0.000001");
}
