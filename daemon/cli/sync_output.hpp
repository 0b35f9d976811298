#pragma once
// How sync and check present their results: a plan table and summaries for people, JSON for scripts. Pure
// formatting over policy_report and mirror_config, so it is tested without registries.
#include "config/mirror_config.hpp"
#include "daemon/run/sync_run.hpp"

#include <boost/json/value.hpp>

#include <ostream>
#include <string>
#include <vector>

namespace ocimirror::daemon {

/// "a, b, c": the policies a config defines, for "no policy named X" messages.
std::string policy_names(const config::mirror_config& c);

/// The plan table (dry run) or the run summary on out; warnings and failures on err.
void print_report_text(const policy_report& r, bool dry_run, std::ostream& out, std::ostream& err);
/// The exit code of a sync: 0 when every policy succeeded; when something failed, the code of the failures' kind
/// (3 not found, 4 authentication, 5 network or TLS, 6 integrity; a policy that selected nothing counts as 3) when
/// they all agree, else 1.
int sync_exit_code(const std::vector<policy_report>& reports);
/// {"policies":[...], "dryRun":..., "exitCode":...}
boost::json::value reports_json(const std::vector<policy_report>& reports, bool dry_run, int exit_code);

/// What check prints: registries and policies as understood, never a secret.
void print_config_text(const config::mirror_config& c, std::ostream& out);
boost::json::value config_json(const config::mirror_config& c);

}  // namespace ocimirror::daemon
