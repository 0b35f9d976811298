#include "daemon/cli/config_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"

#include "daemon/cli/logging_flags.hpp"

#include "config/env_file.hpp"
#include "transfer/net/file_io.hpp"

#include "daemon/run/session.hpp"
#include "daemon/service/log.hpp"

#include <boost/json.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace ocimirror::daemon {
namespace po = boost::program_options;

/// Parses the options (no positionals); true when --help was asked and printed. Sets json from --output.
bool parse_or_help(const args& a, const po::options_description& opts, const char* help, const std::string& output,
                   bool& json) {
  logging_flags logging;
  const auto logs = logging.describe();
  po::options_description all;
  all.add(opts).add(logs);
  po::variables_map vm;
  po::store(po::command_line_parser(a).options(all).run(), vm);
  po::notify(vm);
  if (vm.count("help")) {
    std::cout << help << "\n" << opts << "\n" << logs << "\n";
    return true;
  }
  if (output != "text" && output != "json") throw po::error("--output must be text or json");
  json = output == "json";
  logging.apply();
  return false;
}

namespace {
boost::json::object diagnostic_json(const config::diagnostic& d) {
  return {{"file", d.file}, {"line", d.line},       {"column", d.col},
          {"key", d.path},  {"message", d.message}, {"text", d.str()}};
}
}  // namespace

void report_problems(const std::vector<config::diagnostic>& problems, const std::string& file, bool json) {
  boost::json::array errs;
  for (const auto& d : problems) {
    std::cerr << d.str() << "\n";
    errs.push_back(diagnostic_json(d));
  }
  std::cerr << "ocimirror: error: " << problems.size() << " problem(s) in " << file << "; nothing was done\n";
  if (json)
    std::cout << boost::json::serialize(
                     boost::json::object{{"valid", false}, {"errors", errs}, {"exitCode", exit_usage}})
              << "\n";
}

/// Loads the config or prints its diagnostics; relative state_dir is resolved against the file's directory.
std::optional<config::mirror_config> load_or_report(const std::string& file, bool json) {
  auto loaded = config::load_config_file(file);
  if (!loaded.config) {
    report_problems(loaded.errors, file, json);
    return std::nullopt;
  }
  auto& c = *loaded.config;
  resolve_state_dir(c);
  return std::move(c);
}

std::optional<config::diagnostic> load_env_files(const std::vector<std::string>& files) {
  for (const auto& f : files) {
    std::string text;
    try {
      text = transfer::file::read_file(f, 1 << 20);  // a regular file, bounded
    } catch (const transfer::error& e) {
      return config::diagnostic{f, 0, 0, "",
                                "cannot read the environment file (" + transfer::file::failure_reason(e, f) + ")"};
    }
    auto entries = config::parse_env_file(text, f);
    if (!entries) {  // "FILE:LINE: problem"
      const auto rest = entries.error().substr(f.size() + 1);
      const auto colon = rest.find(':');
      return config::diagnostic{f, std::atoi(rest.c_str()), 1, "", rest.substr(std::min(colon + 2, rest.size()))};
    }
    for (const auto& [k, v] : *entries) ::setenv(k.c_str(), v.c_str(), 1);
  }
  return std::nullopt;
}

po::options_description policy_run_flags::describe() {
  po::options_description d("Runs");
  d.add_options()("shard", po::value(&shard_text),
                  "I/N: handle only the source repositories whose xxh3 hash mod N is I (one of N "
                  "replicas); auto/N takes I from the hostname's StatefulSet ordinal (name-I)")(
      "state-dir", po::value(&state_dir), "override state_dir from the file")(
      "jobs,j", po::value(&jobs)->default_value(jobs),
      "tags copied at once per policy at most; below it (and max_concurrency) the registries' adaptive limits decide")(
      "blob-jobs", po::value(&blob_jobs)->default_value(blob_jobs), "blobs transferred at once per tag");
  describe_limits(d, limits);
  return d;
}

policy::shard shard_arg(const std::string& text) {
  if (text.empty()) return {};
  std::string spec = text;
  if (spec.starts_with("auto/")) {
    char host[256] = {};
    ::gethostname(host, sizeof host - 1);
    auto ordinal = policy::ordinal_of(host);
    if (!ordinal)
      throw po::error("--shard " + text + ": the hostname '" + host +
                      "' has no StatefulSet ordinal (name-N); give I/N");
    spec = std::to_string(*ordinal) + spec.substr(4);
  }
  auto parsed = policy::parse_shard(spec);
  if (!parsed) throw po::error("--shard " + text + ": " + parsed.error());
  return *parsed;
}

}  // namespace ocimirror::daemon
