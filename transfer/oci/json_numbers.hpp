#pragma once
// Numbers in JSON that ocimirror writes back out. Boost.JSON 1.81 reads a decimal into a double only approximately
// (1.5555555555555555E22 reads back as ...557E22) and writes a double too large for one (1e400) as `Infinity`,
// which no JSON reader accepts. A document ocimirror re-writes (a layout's index.json, a platform-filtered index)
// goes through settle_numbers first, so what it writes is valid JSON and writing it again changes nothing.
#include <boost/json/value.hpp>

#include <string>

namespace ocimirror::transfer {

/// Replaces each double in v by the value it settles on when written and read back. Returns the JSON path of
/// the first number that cannot be written back as it reads (infinite, or never settling), or an empty string
/// when every number can.
std::string settle_numbers(boost::json::value& v);

}  // namespace ocimirror::transfer
