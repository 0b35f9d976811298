#pragma once
// The systemd notification protocol without libsystemd: one datagram per state change to the AF_UNIX socket named
// by $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace). "READY=1" once serving, "RELOADING=1" then
// "READY=1" around a reload, "STOPPING=1" when draining, "WATCHDOG=1" every half of $WATCHDOG_USEC.
#include <chrono>
#include <optional>
#include <string_view>

namespace ocimirror::daemon {

/// Sends `state` (e.g. "READY=1\nSTATUS=mirroring") when $NOTIFY_SOCKET is set. False when it is not set or the
/// send failed; never throws (a service must not die because systemd is not listening).
bool sd_notify(std::string_view state);

/// How often to send WATCHDOG=1: half of $WATCHDOG_USEC, when it is set (and $WATCHDOG_PID, if set, is ours).
std::optional<std::chrono::microseconds> watchdog_interval();

}  // namespace ocimirror::daemon
