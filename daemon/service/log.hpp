#pragma once
// The daemon's log: spdlog to stderr, either readable text ("2026-11-23T10:00:00.123Z info  message k=v") or one JSON
// object per line ({"time":..., "level":..., "msg":..., k: v}) for log shippers. Fields carry structure (policy,
// counts, seconds); never put a secret in one.
#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace ocimirror::daemon::log {

enum class format { text, json };

/// Sets up the process-wide logger; call once before logging.
void setup(format f);

/// "debug", "info", "warn" or "error"; false (nothing changed) for anything else. debug also turns on the engine's
/// trace: one line per HTTP exchange (method, URL without its query, status), retry wait and token fetched.
bool set_level(std::string_view level);

void debug(std::string_view msg, const boost::json::object& fields = {});
void info(std::string_view msg, const boost::json::object& fields = {});
void warn(std::string_view msg, const boost::json::object& fields = {});
void error(std::string_view msg, const boost::json::object& fields = {});
/// Writes everything buffered (before the process exits without unwinding).
void flush();

/// The line `msg` with `fields` renders to (no time or level): pure, for tests.
std::string render(format f, std::string_view level, std::string_view msg, const boost::json::object& fields);

}  // namespace ocimirror::daemon::log
