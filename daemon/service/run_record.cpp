#include "daemon/service/run_record.hpp"

#include "daemon/run/failure_groups.hpp"
#include "transfer/net/file_io.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>

namespace ocimirror::daemon {
namespace json = boost::json;

run_record record_of(const policy_report& r, policy::wall_time start, policy::wall_time end, std::string trigger) {
  run_record out;
  out.start = start;
  out.end = end;
  out.trigger = std::move(trigger);
  out.result = to_string(outcome_of(r));
  out.copied = r.copied;
  out.pruned = r.pruned;
  out.failed = r.failures.size();
  out.interrupted = r.interrupted;
  out.selected = r.selected;
  for (const auto& it : r.plan) {
    if (it.what == policy::action::unchanged) ++out.unchanged;
    if (it.cached) ++out.cache_hits;
  }
  out.blobs_copied = r.blobs.blobs_copied;
  out.blobs_mounted = r.blobs.blobs_mounted;
  out.blobs_skipped = r.blobs.blobs_skipped;
  out.bytes = r.blobs.bytes_copied;
  out.seconds = std::round(r.seconds * 1000) / 1000;
  if (!r.failures.empty()) out.error = r.failures.front().what + ": " + r.failures.front().message;
  if (r.failures.empty() && !r.selected_nothing.empty()) out.error = r.selected_nothing;
  constexpr std::size_t most = 100;  // names per group kept in the record (the file, /v1/status, the log line)
  for (const auto& g : group_failures(r.failures, {registry_of(r.source), registry_of(r.destination)})) {
    json::array what;
    for (std::size_t i = 0; i < g.what.size() && i < most; ++i) what.push_back(json::value(g.what[i]));
    out.failures.push_back(json::object{{"kind", transfer::errc_name(g.kind)},
                                        {"registry", g.registry},
                                        {"count", g.what.size()},
                                        {"message", g.message},
                                        {"what", std::move(what)}});
  }
  return out;
}

double unix_seconds(policy::wall_time t) { return std::chrono::duration<double>(t.time_since_epoch()).count(); }

std::string rfc3339(policy::wall_time t) {
  const auto secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::optional<policy::wall_time> parse_rfc3339(const std::string& s) {
  std::tm tm{};
  char z = 0;
  int n = 0;
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%c%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &z, &n) != 7 ||
      z != 'Z' || static_cast<std::size_t>(n) != s.size())
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return std::chrono::system_clock::from_time_t(::timegm(&tm));
}

json::object to_json(const run_record& r) {
  json::object o{
      {"start", rfc3339(r.start)},
      {"end", rfc3339(r.end)},
      {"trigger", r.trigger},
      {"result", r.result},
      {"seconds", r.seconds},
      {"tags", json::object{{"copied", r.copied},
                            {"unchanged", r.unchanged},
                            {"pruned", r.pruned},
                            {"failed", r.failed},
                            {"cacheHits", r.cache_hits},
                            {"interrupted", r.interrupted},
                            {"selected", r.selected}}},
      {"blobs", json::object{{"copied", r.blobs_copied}, {"mounted", r.blobs_mounted}, {"skipped", r.blobs_skipped}}},
      {"bytes", r.bytes}};
  if (!r.error.empty()) o["error"] = r.error;
  if (!r.failures.empty()) o["failures"] = r.failures;
  return o;
}

namespace {
std::size_t count_of(const json::object& o, const char* k) {
  const auto* v = o.if_contains(k);
  if (!v) return 0;
  boost::system::error_code ec;
  const auto n = v->to_number<std::uint64_t>(ec);
  return ec ? 0 : static_cast<std::size_t>(n);
}
std::string string_of(const json::object& o, const char* k) {
  const auto* v = o.if_contains(k);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}
}  // namespace

std::optional<run_record> run_record_from(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  auto start = parse_rfc3339(string_of(o, "start"));
  auto end = parse_rfc3339(string_of(o, "end"));
  if (!start || !end) return std::nullopt;
  run_record r;
  r.start = *start;
  r.end = *end;
  r.trigger = string_of(o, "trigger");
  r.result = string_of(o, "result");
  r.error = string_of(o, "error");
  if (const auto* f = o.if_contains("failures"); f && f->is_array()) r.failures = f->get_array();
  if (const auto* s = o.if_contains("seconds"); s && s->is_number()) r.seconds = s->to_number<double>();
  if (const auto* t = o.if_contains("tags"); t && t->is_object()) {
    const auto& tags = t->get_object();
    r.copied = count_of(tags, "copied"), r.unchanged = count_of(tags, "unchanged"), r.pruned = count_of(tags, "pruned");
    r.failed = count_of(tags, "failed"), r.cache_hits = count_of(tags, "cacheHits"),
    r.interrupted = count_of(tags, "interrupted"), r.selected = count_of(tags, "selected");
  }
  if (const auto* b = o.if_contains("blobs"); b && b->is_object()) {
    const auto& blobs = b->get_object();
    r.blobs_copied = count_of(blobs, "copied"), r.blobs_mounted = count_of(blobs, "mounted"),
    r.blobs_skipped = count_of(blobs, "skipped");
  }
  r.bytes = count_of(o, "bytes");
  return r;
}

namespace {
std::string status_path(const std::string& state_dir) { return state_dir + "/daemon-status.json"; }
}  // namespace

remembered_map read_status_file(const std::string& state_dir) {
  remembered_map out;
  std::ifstream in(status_path(state_dir));
  if (!in) return out;
  std::stringstream ss;
  ss << in.rdbuf();
  boost::system::error_code ec;
  auto v = json::parse(ss.str(), ec);
  if (ec || !v.is_object()) return out;
  const auto* policies = v.get_object().if_contains("policies");
  if (!policies || !policies->is_object()) return out;
  for (const auto& kv : policies->get_object()) {
    if (!kv.value().is_object()) continue;
    const auto& o = kv.value().get_object();
    remembered r;
    if (const auto* last = o.if_contains("lastRun")) r.last = run_record_from(*last);
    r.last_success = parse_rfc3339(string_of(o, "lastSuccess"));
    out[std::string(kv.key())] = std::move(r);
  }
  return out;
}

bool write_status_file(const std::string& state_dir, const remembered_map& m) {
  json::object policies;
  for (const auto& [name, r] : m) {
    json::object o;
    if (r.last) o["lastRun"] = to_json(*r.last);
    if (r.last_success) o["lastSuccess"] = rfc3339(*r.last_success);
    policies[name] = std::move(o);
  }
  const std::string text = json::serialize(json::object{{"policies", std::move(policies)}}) + "\n";
  try {  // a temporary of a random name (mkstemp), never a planted daemon-status.json.tmp
    transfer::file::write_atomic(status_path(state_dir), text);
    return true;
  } catch (const transfer::error&) {
    return false;
  }
}

}  // namespace ocimirror::daemon
