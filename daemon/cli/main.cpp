#include "daemon/cli/commands.hpp"

int main(int argc, char** argv) { return ocimirror::daemon::run_cli(argc, argv); }
