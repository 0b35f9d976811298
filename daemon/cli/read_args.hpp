#pragma once
// The options `inspect` and `tags` share: --output, --raw (inspect), the network flags, one positional reference.
#include "daemon/cli/commands.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/run/session.hpp"

#include <string>
#include <vector>

namespace ocimirror::daemon {

struct read_args {
  network_flags net;
  std::string output = "text";
  bool raw = false;
  std::vector<std::string> positional;
};

/// Parses them; returns -1 to go on, else an exit code (--help printed).
int parse_read_args(const args& a, read_args& p, const char* help, bool with_raw);

}  // namespace ocimirror::daemon
