#pragma once
// Debug tracing of what the engine does on the wire: each HTTP exchange, each retry wait, each token fetched. Off
// unless the program installs a sink (`--log-level debug`). A traced event never carries a secret: no header is
// passed, and URLs lose their userinfo and query (upload state, pre-signed storage signatures).
#include <boost/json/object.hpp>

#include <functional>
#include <string>
#include <string_view>

namespace ocimirror::transfer::trace {

using sink = std::function<void(std::string_view event, const boost::json::object& fields)>;

/// Installs the process-wide sink (an empty function turns tracing off). Call before any work starts.
void install(sink s);
bool enabled() noexcept;
void emit(std::string_view event, const boost::json::object& fields);

/// "scheme://host[:port]/path" of url: no userinfo, no query, no fragment. Pure.
std::string redact_url(std::string_view url);

}  // namespace ocimirror::transfer::trace
