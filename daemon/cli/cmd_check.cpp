// `ocimirror check --config FILE`: the configuration validated whole, without contacting any registry.
#include "config/keys.hpp"
#include "daemon/cli/commands.hpp"
#include "daemon/cli/config_args.hpp"
#include "daemon/cli/sync_output.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace ocimirror::daemon {

namespace {

constexpr const char* check_help = R"(Usage: ocimirror check --config FILE [--output json]
       ocimirror check --schema > ocimirror-config.schema.json

Validates a mirror configuration without contacting any registry: every problem is reported at once as
FILE:LINE:COL: key.path: problem. Exit 0 when valid, 2 otherwise.

--schema prints the configuration's JSON Schema, made from the same key table the check uses: point an editor's
YAML support at it (a first line `# yaml-language-server: $schema=PATH`) for completion and checks as you type.
)";

}  // namespace

int cmd_check(const args& a) {
  std::string file, output = "text";
  po::options_description opts("Check");
  opts.add_options()("help,h", "show this help")("config,c", po::value(&file), "the mirror configuration (YAML)")(
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
    auto cfg = load_or_report(file, json);
    if (!cfg) return exit_usage;
    if (json)
      std::cout << boost::json::serialize(config_json(*cfg)) << "\n";
    else
      print_config_text(*cfg, std::cout);
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
