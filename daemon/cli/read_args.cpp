#include "daemon/cli/read_args.hpp"

#include <iostream>

namespace ocimirror::daemon {

int parse_read_args(const args& a, read_args& p, const char* help, bool with_raw) {
  po::options_description opts("Options");
  opts.add_options()("help,h", "show this help")("output,o", po::value(&p.output), "text (default) or json");
  if (with_raw) opts.add_options()("raw", po::bool_switch(&p.raw), "print the manifest bytes exactly as served");
  opts.add(p.net.describe());
  po::options_description all;
  all.add(opts).add_options()("ref", po::value(&p.positional)->composing());
  po::positional_options_description pos;
  pos.add("ref", -1);
  po::variables_map vm;
  po::store(po::command_line_parser(a).options(all).positional(pos).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << help << "\n" << opts << "\n";
    return exit_ok;
  }
  if (p.output != "text" && p.output != "json") throw po::error("--output must be text or json");
  if (p.positional.size() != 1) throw po::error("expected exactly one reference");
  return -1;
}

}  // namespace ocimirror::daemon
