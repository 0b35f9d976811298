#include "transfer/oci/json_numbers.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <cmath>
#include <string_view>

namespace ocimirror::transfer {
namespace {

// A key as it may appear in a message: it came from a registry, so only plain characters are shown.
std::string shown(std::string_view key) {
  const bool plain = !key.empty() && key.size() <= 64 &&
                     key.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") ==
                         std::string_view::npos;
  return plain ? "." + std::string(key) : std::string(".(a key)");
}

std::string settle(boost::json::value& v, const std::string& path) {
  if (v.is_double()) {
    double d = v.get_double();
    for (int round = 0; round < 8 && std::isfinite(d); ++round) {  // settles in one or two rounds
      boost::json::error_code ec;
      const auto back = boost::json::parse(boost::json::serialize(boost::json::value(d)), ec);
      if (ec || !back.is_double() || back.get_double() == d) break;
      d = back.get_double();
    }
    // Not settled (Boost's reader can swing between two neighbours) or not finite: it cannot be written back.
    boost::json::error_code ec;
    const auto back =
        std::isfinite(d) ? boost::json::parse(boost::json::serialize(boost::json::value(d)), ec) : boost::json::value();
    if (ec || !back.is_double() || back.get_double() != d) return path.empty() ? "$" : path;
    v = d;
  } else if (auto* a = v.if_array()) {
    for (std::size_t i = 0; i < a->size(); ++i)
      if (auto bad = settle((*a)[i], path + "[" + std::to_string(i) + "]"); !bad.empty()) return bad;
  } else if (auto* o = v.if_object()) {
    for (auto& [key, value] : *o)
      if (auto bad = settle(value, path + shown(key)); !bad.empty()) return bad;
  }
  return {};
}

}  // namespace

std::string settle_numbers(boost::json::value& v) { return settle(v, ""); }

}  // namespace ocimirror::transfer
