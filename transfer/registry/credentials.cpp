#include "transfer/registry/credentials.hpp"

#include "transfer/net/child_process.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <boost/json.hpp>
#include <boost/process.hpp>

#include <algorithm>
#include <atomic>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <vector>

namespace ocimirror::transfer {
namespace json = boost::json;
namespace bp = boost::process;
namespace fs = std::filesystem;

fs::path docker_config_path() {
  if (const char* d = std::getenv("DOCKER_CONFIG"); d && *d) return fs::path(d) / "config.json";
  const char* home = std::getenv("HOME");
  return fs::path(home && *home ? home : "/root") / ".docker" / "config.json";
}

std::string docker_server_key(std::string_view registry) {
  if (registry == "docker.io" || registry == "index.docker.io" || registry == "registry-1.docker.io")
    return "https://index.docker.io/v1/";
  return std::string(registry);
}

namespace {

std::optional<json::object> load_config(const fs::path& path) {
  std::string text;
  try {  // a regular file of at most 1 MiB: off the loop, but a FIFO would still hold every lookup forever
    text = file::read_file(path.string(), std::size_t(1) << 20);
  } catch (const error& e) {
    if (!fs::exists(path)) return std::nullopt;
    throw error(errc::io, "docker config " + path.string() + ": " + file::failure_reason(e, path.string()));
  }
  boost::system::error_code ec;
  auto v = json::parse(text, ec);
  if (ec || !v.is_object()) throw error(errc::io, "docker config " + path.string() + " is not a JSON object");
  return std::move(v.as_object());
}

// "https://host/v1/" and "host" both name host.
std::string normalise_key(std::string_view key) {
  if (auto p = key.find("://"); p != std::string_view::npos) key = key.substr(p + 3);
  if (auto slash = key.find('/'); slash != std::string_view::npos) key = key.substr(0, slash);
  return std::string(key);
}

std::string string_at(const json::object& o, std::string_view k) {
  if (auto* v = o.if_contains(k); v && v->is_string()) return std::string(v->as_string());
  return {};
}

std::string helper_for(const json::object& cfg, std::string_view registry) {
  if (auto* h = cfg.if_contains("credHelpers"); h && h->is_object())
    for (const auto& [k, v] : h->as_object())
      if (normalise_key(k) == normalise_key(docker_server_key(registry)) && v.is_string())
        return std::string(v.as_string());
  return string_at(cfg, "credsStore");
}

/// Set by each session (a reload makes one) while helper threads read them: atomics, read by value.
std::atomic<std::int64_t> timeout_ms{30'000};
std::atomic<std::size_t> helper_output_cap{1u << 20};
child_limits limits() { return {std::chrono::milliseconds(timeout_ms.load()), helper_output_cap.load()}; }

/// docker-credential-NAME as docker allows NAME: lowercase letters, digits, '.', '_' and '-'; never a path.
void check_helper_name(std::string_view helper) {
  const bool ok = !helper.empty() && helper.size() <= 64 && helper != "." && helper != ".." &&
                  std::all_of(helper.begin(), helper.end(), [](char c) {
                    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
                  });
  if (!ok)
    throw error(errc::io, "credential helper name '" + printable(helper, 80) +
                              "' in the docker config is not one docker allows ([a-z0-9._-], no '/')");
}

std::string run_helper(std::string_view helper, std::string_view verb, std::string_view input, int& status) {
  check_helper_name(helper);
  const std::string exe = "docker-credential-" + std::string(helper);
  auto path = bp::search_path(exe);
  if (path.empty()) throw error(errc::io, "credential helper '" + exe + "' named in the docker config is not in PATH");
  const auto l = limits();
  auto r = run_child(path.string(), {std::string(verb)}, input, l);
  const std::string named = "credential helper '" + exe + " " + std::string(verb) + "'";
  if (r.timed_out)
    throw error(errc::timeout, named + " did not finish within " + std::to_string(l.timeout.count() / 1000) +
                                   " s; killed (raise --credential-helper-timeout if it is only slow)");
  if (r.over_cap)
    throw error(errc::io, named + " printed more than " + std::to_string(l.output_cap >> 10) + " KiB; killed");
  status = r.exit_code;
  return std::move(r.out);
}

/// A field of a helper's answer, refused when it could not be sent in a header (the secret is never shown).
std::string answer_field(const json::object& o, std::string_view key, std::string_view helper) {
  auto v = string_at(o, key);
  check_header_value(v, "the " + std::string(key) + " that credential helper 'docker-credential-" +
                            std::string(helper) + "' answered");
  return v;
}

}  // namespace

void set_credential_helper_limits(std::chrono::milliseconds timeout, std::size_t output_cap) {
  timeout_ms = timeout.count();
  helper_output_cap = output_cap;
}

std::chrono::milliseconds credential_helper_timeout() { return std::chrono::milliseconds(timeout_ms); }
std::size_t credential_helper_output_cap() { return helper_output_cap; }

std::optional<credentials> run_credential_helper(std::string_view helper, std::string_view server) {
  int status = 0;
  std::string out = run_helper(helper, "get", server, status);
  if (status != 0) {
    if (out.find("credentials not found") != std::string::npos) return std::nullopt;
    throw error(errc::io, "credential helper 'docker-credential-" + std::string(helper) + " get' failed for " +
                              std::string(server) + " (exit " + std::to_string(status) + ")");
  }
  boost::system::error_code ec;
  auto v = json::parse(out, ec);
  if (ec || !v.is_object())
    throw error(errc::io, "credential helper 'docker-credential-" + std::string(helper) + "' printed no JSON object");
  credentials c;
  c.username = answer_field(v.as_object(), "Username", helper);
  std::string secret = answer_field(v.as_object(), "Secret", helper);
  if (c.username == "<token>") {
    c.username.clear();
    c.identity_token = std::move(secret);
  } else {
    c.password = std::move(secret);
  }
  return c;
}

std::optional<credentials> docker_credentials(std::string_view registry, const fs::path& config) {
  auto cfg = load_config(config);
  if (!cfg) return std::nullopt;
  const std::string key = docker_server_key(registry);
  if (auto* h = cfg->if_contains("credHelpers"); h && h->is_object())
    for (const auto& [k, v] : h->as_object())
      if (normalise_key(k) == normalise_key(key) && v.is_string()) return run_credential_helper(v.as_string(), key);
  if (auto* auths = cfg->if_contains("auths"); auths && auths->is_object()) {
    for (const auto& [k, v] : auths->as_object()) {
      if (normalise_key(k) != normalise_key(key) || !v.is_object()) continue;
      credentials c;
      if (auto a = string_at(v.as_object(), "auth"); !a.empty()) {
        auto decoded = base64_decode(a);
        auto colon = decoded ? decoded->find(':') : std::string::npos;
        if (colon == std::string::npos)
          throw error(errc::io, "docker config " + config.string() + ": auths." + std::string(k) +
                                    ".auth is not base64 user:password");
        c.username = decoded->substr(0, colon);
        c.password = decoded->substr(colon + 1);
      }
      c.identity_token = string_at(v.as_object(), "identitytoken");
      const std::string where = "docker config " + config.string() + ": auths." + printable(k, 80);
      check_header_value(c.username, where + ".auth's user name");
      check_header_value(c.password, where + ".auth's password");
      check_header_value(c.identity_token, where + ".identitytoken");
      if (!c.username.empty() || !c.identity_token.empty()) return c;
    }
  }
  if (auto store = string_at(*cfg, "credsStore"); !store.empty()) return run_credential_helper(store, key);
  return std::nullopt;
}

namespace {
/// `docker-credential-HELPER VERB` with input on stdin, which must exit 0.
void run_helper_checked(const std::string& helper, std::string_view verb, std::string_view input) {
  int status = 0;
  run_helper(helper, verb, input, status);
  if (status != 0)
    throw error(errc::io, "credential helper 'docker-credential-" + helper + " " + std::string(verb) +
                              "' failed (exit " + std::to_string(status) + ")");
}

/// The docker config written as docker writes it: 0600, through a temporary file renamed over it.
void write_config(const json::object& cfg, const fs::path& config) {
  // A directory made here is private; one that exists (a shared 1777 one included) is the user's, left as it is.
  if (!fs::exists(config.parent_path())) {
    fs::create_directories(config.parent_path());
    fs::permissions(config.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
  }
  auto tmp = file::make_temp_file(config.parent_path().string(), config.filename().string() + ".tmp-");  // 0600
  std::string text = json::serialize(cfg) + "\n";
  file::write_all(tmp.f.n, text, tmp.path);
  if (::fsync(tmp.f.n) != 0 || ::rename(tmp.path.c_str(), config.c_str()) != 0)
    throw error(errc::io, "cannot write " + config.string());
  tmp.keep();
}
}  // namespace

void docker_store_credentials(std::string_view registry, const credentials& c, const fs::path& config) {
  json::object cfg = load_config(config).value_or(json::object{});
  const std::string key = docker_server_key(registry);
  if (auto helper = helper_for(cfg, registry); !helper.empty()) {
    json::object in{{"ServerURL", key}, {"Username", c.username}, {"Secret", c.password}};
    run_helper_checked(helper, "store", json::serialize(in));
    return;
  }
  auto& auths = cfg["auths"];
  if (!auths.is_object()) auths = json::object{};
  auths.as_object()[key] = json::object{{"auth", base64_encode(c.username + ":" + c.password)}};
  write_config(cfg, config);
}

bool docker_erase_credentials(std::string_view registry, const fs::path& config) {
  auto cfg = load_config(config);
  if (!cfg) return false;
  const std::string key = docker_server_key(registry);
  if (auto helper = helper_for(*cfg, registry); !helper.empty()) {
    if (!run_credential_helper(helper, key)) return false;
    run_helper_checked(helper, "erase", key);
    return true;
  }
  auto* auths = cfg->if_contains("auths");
  if (!auths || !auths->is_object()) return false;
  std::vector<std::string> gone;  // every spelling of the key (https://host, host/v1/...), as docker logout does
  for (const auto& kv : auths->as_object())
    if (normalise_key(kv.key()) == normalise_key(key)) gone.emplace_back(kv.key());
  if (gone.empty()) return false;
  for (const auto& k : gone) auths->as_object().erase(k);
  write_config(*cfg, config);
  return true;
}

}  // namespace ocimirror::transfer
