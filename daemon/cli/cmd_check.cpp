// `ocimirror check --config FILE`: the configuration validated whole, without contacting any registry.
#include "config/keys.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/cli/sync_output.hpp"
#include "daemon/exit_codes.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <iostream>

namespace ocimirror::daemon {

namespace {

constexpr const char* check_help =
    R"(Usage: ocimirror check --config FILE [--env-file FILE]... [--state-dir DIR] [--output json]
       ocimirror check --schema > ocimirror-config.schema.json

Validates a mirror configuration without contacting any registry: every problem is reported at once as
FILE:LINE:COL: key.path: problem (with --output json, as objects with file, line, column, key and message), and
the state directory must be one this user can write (run it as the daemon's user, or give --state-dir).

Exit codes: 0 the configuration is valid; 2 it is not, or the arguments are wrong.

--env-file loads KEY=VALUE lines the way systemd's EnvironmentFile= does before ${VAR} is expanded, so the file
the unit runs is checked with the unit's secrets: `sudo ocimirror check --config /etc/ocimirror/config.yaml
--env-file /etc/ocimirror/env`. --state-dir checks the directory a run would be given instead of state_dir.

--schema prints the configuration's JSON Schema, made from the same key table the check uses: point an editor's
YAML support at it (a first line `# yaml-language-server: $schema=PATH`) for completion and checks as you type.
)";

}  // namespace

int cmd_check(const args& a) {
  std::string file, output = "text", state_dir;
  std::vector<std::string> env_files;
  po::options_description opts("Check");
  opts.add_options()("help,h", "show this help")("config,c", po::value(&file), "the mirror configuration (YAML)")(
      "env-file", po::value(&env_files)->composing(),
      "set the variables of this KEY=VALUE file first, as systemd's EnvironmentFile= does (repeatable)")(
      "state-dir", po::value(&state_dir), "check this state directory instead of state_dir from the file")(
      "output,o", po::value(&output), "text (default) or json");
  bool schema = false;
  opts.add_options()("schema", po::bool_switch(&schema), "print the configuration's JSON Schema and exit");
  bool json = false;
  return guarded(json, [&]() -> int {
    if (parse_or_help(a, opts, check_help, output, json)) return exit_ok;
    if (schema) {
      std::cout << config::json_schema();
      return exit_ok;
    }
    if (file.empty()) throw po::error("check needs --config FILE");
    if (auto bad = load_env_files(env_files)) {
      report_problems({*bad}, bad->file, json);
      return exit_usage;
    }
    auto cfg = load_or_report(file, json);
    if (!cfg) return exit_usage;
    if (!state_dir.empty()) cfg->state_dir = std::filesystem::absolute(state_dir).lexically_normal().string();
    if (auto why = state_dir_problem(cfg->state_dir)) {
      report_problems({{file, 0, 0, "state_dir", *why}}, file, json);
      return exit_usage;
    }
    if (json)
      std::cout << boost::json::serialize(config_json(*cfg)) << "\n";
    else
      print_config_text(*cfg, std::cout);
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
