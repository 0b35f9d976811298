#include "daemon/cli/logging_flags.hpp"
#include "daemon/cli/flags.hpp"

#include "daemon/service/log.hpp"

#include <boost/program_options.hpp>

namespace ocimirror::daemon {
namespace po = boost::program_options;

po::options_description logging_flags::describe() {
  po::options_description d("Logging");
  d.add_options()("log-level", po::value(&level)->default_value(level),
                  "debug | info | warn | error; debug logs every HTTP exchange (method, URL without its query, "
                  "status), retry and token fetched; no level ever logs a header, password or token")(
      "log-format", po::value(&format)->default_value(format),
      "text | json (one object per line) for log lines on stderr; a command's own output follows --output");
  return d;
}

void logging_flags::apply() const {
  if (format != "text" && format != "json") throw po::error("--log-format must be text or json, not '" + format + "'");
  log::setup(format == "json" ? log::format::json : log::format::text);
  if (!log::set_level(level)) throw po::error("--log-level must be debug, info, warn or error, not '" + level + "'");
}

}  // namespace ocimirror::daemon
