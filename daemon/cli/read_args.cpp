#include "daemon/cli/read_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"

#include "daemon/cli/console.hpp"

namespace ocimirror::daemon {

int parse_read_args(const args& a, read_args& p, const char* help, bool with_raw) {
  po::options_description opts("Options");
  opts.add_options()("help,h", "show this help")("output,o", po::value(&p.output), "text (default) or json");
  if (with_raw) opts.add_options()("raw", po::bool_switch(&p.raw), "print the manifest bytes exactly as served");
  opts.add(p.net.describe());
  if (parse_positional(a, opts, p.positional, help)) return exit_ok;
  if (p.output != "text" && p.output != "json") throw po::error("--output must be text or json");
  if (p.positional.size() != 1) throw po::error("expected exactly one reference");
  return -1;
}

}  // namespace ocimirror::daemon
