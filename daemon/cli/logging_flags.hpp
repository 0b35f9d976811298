#pragma once
// --log-level and --log-format, which every command takes: the shared parsers (parse_positional, parse_or_help,
// login's) add them to each command's options and apply them once the command line is read.
#include <boost/program_options/options_description.hpp>

#include <string>

namespace ocimirror::daemon {

struct logging_flags {
  std::string level = "info", format = "text";
  boost::program_options::options_description describe();
  /// Sets up the log (format, level); throws po::error for a level or format it does not know.
  void apply() const;
};

}  // namespace ocimirror::daemon
