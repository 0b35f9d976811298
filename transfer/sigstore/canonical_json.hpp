#pragma once
// RFC 8785 JSON Canonicalization Scheme: what Rekor signs in a signed entry timestamp. Pure.
#include <boost/json/value.hpp>

#include <string>

namespace ocimirror::transfer::sigstore {

/// Members sorted by key, no whitespace, strings escaped as ECMAScript's JSON.stringify does, whole numbers in
/// decimal. (Keys are sorted by UTF-8 bytes, which is the UTF-16 order RFC 8785 asks for except for keys mixing
/// characters above U+FFFF with U+E000–U+FFFF; no Sigstore structure has such keys.) Fractions are written by
/// Boost.JSON, which may differ from ECMAScript for some values; Rekor signs none.
std::string canonical_json(const boost::json::value& v);

}  // namespace ocimirror::transfer::sigstore
