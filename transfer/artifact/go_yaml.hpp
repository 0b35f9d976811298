#pragma once
// YAML scalars as helm reads them: gopkg.in/yaml.v2's resolve (YAML 1.1 booleans such as `yes` and `on`, integers
// with 0x/0o/0b/leading-zero octal and '_', floats, null) and sigs.k8s.io/yaml's conversion of a number or boolean
// to a string when the Go field is a string (a float goes through float32: `version: 1.10` becomes "1.1"). Pure.
#include <cstdint>
#include <string>
#include <string_view>

namespace ocimirror::transfer::go_yaml {

enum class kind { null, boolean, integer, floating, string };

struct scalar {
  kind type = kind::string;
  std::string text;  ///< string: the value; others: the source text
  bool boolean = false;
  double number = 0;
  bool negative = false;        ///< integer: sign
  std::uint64_t magnitude = 0;  ///< integer: absolute value
  /// What sigs.k8s.io/yaml makes of it for a Go string field (convertToJSONableObject). null gives "".
  std::string as_go_string() const;
  /// As a JSON value for an untyped (interface{}) Go field.
  std::string as_json() const;
};

/// A plain (unquoted, untagged) scalar resolved as yaml.v2 resolve() does.
scalar resolve_plain(std::string_view text);
/// strconv.FormatFloat(v, 'g', -1, 32).
std::string format_float32(double v);
/// strconv.FormatFloat(v, 'g', -1, 64) as encoding/json writes a float64 ('f' unless the exponent is < -6 or >= 21).
std::string format_json_float(double v);

}  // namespace ocimirror::transfer::go_yaml
