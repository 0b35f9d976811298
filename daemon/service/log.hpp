#pragma once
// The daemon's log: spdlog to stderr, either readable text ("2026-11-23T10:00:00.123Z info  message k=v") or one JSON
// object per line ({"time":..., "level":..., "msg":..., k: v}) for log shippers. Fields carry structure (policy,
// counts, seconds); never put a secret in one.
#include <boost/json/object.hpp>

#include <cstdint>
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

/// Whether $JOURNAL_STREAM ("DEVICE:INODE", set by systemd when it connects stderr to the journal) names the file
/// stderr is (device and inode from fstat): then lines carry a priority prefix and no time of their own.
bool is_journal_stream(std::string_view journal_stream, std::uint64_t device, std::uint64_t inode);
/// The sd-daemon(3) prefix journald reads a line's priority from: "<3>" error, "<4>" warn, "<6>" info, "<7>" debug.
std::string_view journal_prefix(std::string_view level);

}  // namespace ocimirror::daemon::log
