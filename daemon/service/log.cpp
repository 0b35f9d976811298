#include "daemon/service/log.hpp"

#include "transfer/net/trace.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <boost/json/serialize.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <memory>

namespace ocimirror::daemon::log {
namespace {

format current = format::text;
bool journal = false;  ///< stderr is the journal: a priority prefix, no time (journald stamps each line)
spdlog::level::level_enum threshold = spdlog::level::info;

std::shared_ptr<spdlog::logger>& logger() {
  static std::shared_ptr<spdlog::logger> l;
  return l;
}

std::string utc_now() {
  const auto now = std::chrono::system_clock::now();
  const auto t = std::chrono::system_clock::to_time_t(now);
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[96];  // wide enough for any int the compiler imagines
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

/// A value as `k=v` shows it: strings bare unless they hold spaces or quotes (then JSON-quoted).
std::string text_value(const boost::json::value& v) {
  if (v.is_double()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v.get_double());
    return buf;
  }
  if (!v.is_string()) return boost::json::serialize(v);
  const auto& s = v.get_string();
  if (!s.empty() && std::string_view(s).find_first_of(" \t\n\"=") == std::string_view::npos) return std::string(s);
  return boost::json::serialize(v);
}

void emit(spdlog::level::level_enum lvl, std::string_view level, std::string_view msg, const boost::json::object& f) {
  auto& l = logger();
  if (!l) setup(format::text);
  if (journal && current == format::text)
    l->log(lvl, "{}{:<5} {}", journal_prefix(level), level, render(current, level, msg, f));
  else if (journal)
    l->log(lvl, "{}{}", journal_prefix(level), render(current, level, msg, f));
  else
    l->log(lvl, "{}", render(current, level, msg, f));
}

}  // namespace

std::string render(format f, std::string_view level, std::string_view msg, const boost::json::object& fields) {
  if (f == format::json) {
    boost::json::object o;
    o["time"] = utc_now();
    o["level"] = level;
    o["msg"] = msg;
    for (const auto& kv : fields)
      if (!o.contains(kv.key())) o[kv.key()] = kv.value();
    return boost::json::serialize(o);
  }
  std::string line(msg);
  for (const auto& kv : fields) {
    line += ' ';
    line += kv.key();
    line += '=';
    line += text_value(kv.value());
  }
  return line;
}

bool is_journal_stream(std::string_view journal_stream, std::uint64_t device, std::uint64_t inode) {
  const auto colon = journal_stream.find(':');
  if (colon == std::string_view::npos) return false;
  std::uint64_t dev = 0, ino = 0;
  const auto* p = journal_stream.data();
  auto a = std::from_chars(p, p + colon, dev);
  auto b = std::from_chars(p + colon + 1, p + journal_stream.size(), ino);
  return a.ec == std::errc{} && a.ptr == p + colon && b.ec == std::errc{} && b.ptr == p + journal_stream.size() &&
         colon > 0 && colon + 1 < journal_stream.size() && dev == device && ino == inode;
}

std::string_view journal_prefix(std::string_view level) {
  if (level == "error") return "<3>";
  if (level == "warn") return "<4>";
  if (level == "debug") return "<7>";
  return "<6>";
}

void setup(format f) {
  current = f;
  spdlog::drop("ocimirror");
  struct stat st {};
  const char* js = std::getenv("JOURNAL_STREAM");
  journal = js && ::fstat(STDERR_FILENO, &st) == 0 &&
            is_journal_stream(js, static_cast<std::uint64_t>(st.st_dev), static_cast<std::uint64_t>(st.st_ino));
  std::shared_ptr<spdlog::logger> l;
  if (f == format::text && !journal && ::isatty(STDERR_FILENO))
    l = spdlog::stderr_color_mt("ocimirror");
  else
    l = spdlog::stderr_logger_mt("ocimirror");
  // Text: time (UTC) and level, then the message; JSON: the message is the whole object already. On the journal
  // the line is already whole (emit() puts the priority and level first; journald keeps the time).
  if (f == format::json || journal)
    l->set_pattern("%v", spdlog::pattern_time_type::utc);
  else
    l->set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%-5l%$ %v", spdlog::pattern_time_type::utc);
  l->flush_on(spdlog::level::info);
  l->set_level(threshold);
  logger() = l;
}

bool set_level(std::string_view level) {
  static constexpr std::pair<std::string_view, spdlog::level::level_enum> names[] = {{"debug", spdlog::level::debug},
                                                                                     {"info", spdlog::level::info},
                                                                                     {"warn", spdlog::level::warn},
                                                                                     {"error", spdlog::level::err}};
  for (const auto& [name, lvl] : names) {
    if (name != level) continue;
    threshold = lvl;
    if (logger()) logger()->set_level(lvl);
    if (lvl == spdlog::level::debug)
      transfer::trace::install([](std::string_view event, const boost::json::object& f) { debug(event, f); });
    else
      transfer::trace::install({});
    return true;
  }
  return false;
}

void debug(std::string_view msg, const boost::json::object& fields) {
  if (threshold <= spdlog::level::debug) emit(spdlog::level::debug, "debug", msg, fields);
}
void info(std::string_view msg, const boost::json::object& fields) { emit(spdlog::level::info, "info", msg, fields); }
void warn(std::string_view msg, const boost::json::object& fields) { emit(spdlog::level::warn, "warn", msg, fields); }
void error(std::string_view msg, const boost::json::object& fields) { emit(spdlog::level::err, "error", msg, fields); }

void flush() {
  if (logger()) logger()->flush();
}

}  // namespace ocimirror::daemon::log
