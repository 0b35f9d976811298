#include "daemon/cli/commands.hpp"

#include <csignal>

int main(int argc, char** argv) {
  // A credential helper that exits before reading its input must fail that lookup (EPIPE), not end the process.
  std::signal(SIGPIPE, SIG_IGN);
  return ocimirror::daemon::run_cli(argc, argv);
}
