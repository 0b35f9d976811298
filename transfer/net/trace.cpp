#include "transfer/net/trace.hpp"

#include "transfer/net/url.hpp"

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

std::string redact_url(std::string_view url) { return redacted_url(url); }

}  // namespace ocimirror::transfer::trace
