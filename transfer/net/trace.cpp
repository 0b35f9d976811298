#include "transfer/net/trace.hpp"

namespace ocimirror::transfer::trace {
namespace {
sink& current() {
  static sink s;
  return s;
}
}  // namespace

void install(sink s) { current() = std::move(s); }
bool enabled() noexcept { return static_cast<bool>(current()); }
void emit(std::string_view event, const boost::json::object& fields) {
  if (auto& s = current()) s(event, fields);
}

std::string redact_url(std::string_view url) {
  std::string_view rest = url;
  std::string out;
  if (auto scheme = rest.find("://"); scheme != std::string_view::npos) {
    out = std::string(rest.substr(0, scheme + 3));
    rest.remove_prefix(scheme + 3);
  }
  const auto path_at = rest.find_first_of("/?#");
  auto authority = rest.substr(0, path_at);
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  out += authority;
  if (path_at != std::string_view::npos) {
    auto path = rest.substr(path_at);
    out += path.substr(0, path.find_first_of("?#"));
  }
  return out;
}

}  // namespace ocimirror::transfer::trace
