#pragma once
// The subcommands. Each takes the arguments after its name and returns the process exit code.
#include <functional>
#include <string>
#include <vector>

namespace ocimirror::daemon {

using args = std::vector<std::string>;
int cmd_copy(const args& a);
int cmd_inspect(const args& a);
int cmd_tags(const args& a);
int cmd_verify(const args& a);
int cmd_login(const args& a);
int cmd_logout(const args& a);
int cmd_sync(const args& a);
int cmd_check(const args& a);
int cmd_cache(const args& a);
int cmd_daemon(const args& a);
int cmd_inventory(const args& a);
int cmd_push(const args& a);
int cmd_pull(const args& a);

/// Entry point: `ocimirror COMMAND ...`.
int run_cli(int argc, char** argv);

/// Runs body, turning transfer::error and other failures into "ocimirror: error:" lines and exit codes.
/// json is read when a failure happens (body sets it once --output is parsed): then {"error":..., "exitCode":...}
/// is also printed on stdout for scripts.
int guarded(const bool& json, const std::function<int()>& body);

}  // namespace ocimirror::daemon
