#pragma once
// What the commands that read a mirror configuration share: option parsing with --help and --output, loading the
// file with its diagnostics printed, and the flags of the commands that run policies.
#include "config/mirror_config.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/run/run_config.hpp"
#include "daemon/run/session.hpp"
#include "policy/shard.hpp"
#include "transfer/registry/auth.hpp"

#include <boost/program_options.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ocimirror::daemon {

/// Parses the options (no positionals) with --log-level and --log-format added and applied; true when --help was
/// asked and printed. Sets json from --output.
bool parse_or_help(const args& a, const boost::program_options::options_description& opts, const char* help,
                   const std::string& output, bool& json);

/// Problems of `file` (or of what it depends on) as a command refuses it: each as FILE:LINE:COL: key: problem on
/// stderr and a count; with json, {"valid": false, "errors": [{file, line, column, key, message, text}], ...}.
void report_problems(const std::vector<config::diagnostic>& problems, const std::string& file, bool json);

/// Loads the config or prints its diagnostics (as JSON too when json); a relative state_dir is resolved against
/// the file's directory.
std::optional<config::mirror_config> load_or_report(const std::string& file, bool json);

/// Sets the variables of each KEY=VALUE file (systemd's EnvironmentFile= syntax) before a configuration's ${VAR}
/// are expanded. The first file that cannot be read or parsed is returned as a problem naming it and its line (never
/// a value), and nothing after it is loaded.
std::optional<config::diagnostic> load_env_files(const std::vector<std::string>& files);

/// What the commands that run policies (sync, daemon) take besides the transfer flags.
struct policy_run_flags {
  std::string state_dir, shard_text;
  std::size_t jobs = 32, blob_jobs = 8;
  time_limits limits;
  boost::program_options::options_description describe();
};

/// --shard I/N or auto/N (I from the hostname, as a StatefulSet names its pods); empty: everything. Throws po::error.
policy::shard shard_arg(const std::string& text);

}  // namespace ocimirror::daemon
