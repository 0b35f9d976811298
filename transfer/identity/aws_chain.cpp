#include "transfer/identity/aws_chain.hpp"

#include "transfer/identity/token_answer.hpp"
#include "transfer/net/url.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <vector>

namespace ocimirror::transfer {

namespace {

std::string host_only(std::string_view registry) {
  std::string h(registry.substr(0, registry.find(':')));
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  return h;
}

std::vector<std::string> labels(const std::string& host) {
  std::vector<std::string> out;
  for (std::size_t at = 0;;) {
    auto dot = host.find('.', at);
    out.push_back(host.substr(at, dot - at));
    if (dot == std::string::npos) return out;
    at = dot + 1;
  }
}

/// The labels of an ECR host, or empty: ACCOUNT.dkr.ecr[-fips].REGION.amazonaws.com[.cn].
std::vector<std::string> ecr_labels(std::string_view registry) {
  auto l = labels(host_only(registry));
  const bool shape = (l.size() == 6 || (l.size() == 7 && l[6] == "cn")) && l[1] == "dkr" &&
                     (l[2] == "ecr" || l[2] == "ecr-fips") && l[4] == "amazonaws" && l[5] == "com" &&
                     l[0].size() == 12 && std::all_of(l[0].begin(), l[0].end(), ::isdigit) && !l[3].empty();
  return shape ? l : std::vector<std::string>{};
}

std::optional<std::string> get(const env_lookup_fn& env, const char* name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

/// Keys or a web identity from one INI section; where: for messages.
bool from_section(const std::string& text, const std::string& section, const std::string& where, aws_source& out) {
  auto id = ini_value(text, section, "aws_access_key_id"), secret = ini_value(text, section, "aws_secret_access_key");
  if (id && secret) {
    out.keys = {*id, *secret, ini_value(text, section, "aws_session_token").value_or(""), where};
    out.where = where;
    return true;
  }
  auto role = ini_value(text, section, "role_arn"), token = ini_value(text, section, "web_identity_token_file");
  if (role && token) {
    out.role_arn = *role;
    out.token_file = *token;
    out.session = ini_value(text, section, "role_session_name").value_or("ocimirror");
    out.where = where;
    return true;
  }
  if (auto process = ini_value(text, section, "credential_process"); process && !process->empty()) {
    out.process = *process;
    out.where = where + " credential_process";
    return true;
  }
  return false;
}

/// Steps 5 and 6: the container endpoint, else IMDS unless turned off.
void from_host(const env_lookup_fn& env, aws_source& s) {
  if (auto relative = get(env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")) {
    s.container_url = "http://169.254.170.2" + *relative;
    s.where = "the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)";
    // A path on ECS's address, nothing else: ".evil.example/x" or "@host/x" would move the host.
    if (relative->front() != '/' ||
        identity::endpoint_problem(s.container_url, "", identity::metadata_service::aws_container) ||
        split_url(s.container_url).host != "169.254.170.2")
      s.problem = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must be a path starting with /";
  } else if (auto full = get(env, "AWS_CONTAINER_CREDENTIALS_FULL_URI")) {
    s.container_url = *full;
    s.where = "the container credentials endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI " +
              printable(redacted_url(*full)) + ")";
    if (auto p = identity::endpoint_problem(*full, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                            identity::metadata_service::aws_container))
      s.problem = *p;
  }
  if (!s.container_url.empty()) {
    s.container_token_file = get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").value_or("");
    s.container_token = get(env, "AWS_CONTAINER_AUTHORIZATION_TOKEN").value_or("");
    return;
  }
  if (auto off = get(env, "AWS_EC2_METADATA_DISABLED")) {
    std::string v(*off);  // as the SDKs read it: "true" in any case
    std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
    if (v == "true" || v == "1") return;
  }
  const auto endpoint = get(env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  s.imds_probe = !endpoint;
  s.imds = endpoint.value_or("http://169.254.169.254");
  while (!s.imds.empty() && s.imds.back() == '/') s.imds.pop_back();
  s.where = "the EC2 instance role (IMDSv2 at " + printable(s.imds) + ")";
  if (auto p =
          identity::endpoint_problem(s.imds, "AWS_EC2_METADATA_SERVICE_ENDPOINT", identity::metadata_service::aws_imds))
    s.problem = *p;
}

}  // namespace

std::optional<std::string> ini_value(std::string_view text, std::string_view section, std::string_view key) {
  bool inside = false;
  for (std::size_t at = 0; at < text.size();) {
    auto end = text.find('\n', at);
    if (end == std::string_view::npos) end = text.size();
    auto line = trim_space(text.substr(at, end - at));
    at = end + 1;
    if (line.empty() || line.front() == '#' || line.front() == ';') continue;
    if (line.front() == '[') {
      auto close = line.find(']');
      inside = close != std::string_view::npos && trim_space(line.substr(1, close - 1)) == section;
      continue;
    }
    auto eq = line.find('=');
    if (inside && eq != std::string_view::npos && trim_space(line.substr(0, eq)) == key)
      return std::string(trim_space(line.substr(eq + 1)));
  }
  return std::nullopt;
}

aws_source find_aws_source(const env_lookup_fn& env, const file_read_fn& read) {
  aws_source s;
  const std::string profile = get(env, "AWS_PROFILE").value_or("default");
  const std::string home = get(env, "HOME").value_or("");
  const std::string config_path = get(env, "AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  const std::string config_section = profile == "default" ? "default" : "profile " + profile;
  const auto config = read(config_path);
  s.region = get(env, "AWS_REGION")
                 .value_or(get(env, "AWS_DEFAULT_REGION")
                               .value_or(config ? ini_value(*config, config_section, "region").value_or("") : ""));
  auto id = get(env, "AWS_ACCESS_KEY_ID"), secret = get(env, "AWS_SECRET_ACCESS_KEY");
  if (id && secret) {
    s.keys = {*id, *secret, get(env, "AWS_SESSION_TOKEN").value_or(""), "environment"};
    s.where = "environment (AWS_ACCESS_KEY_ID)";
    return s;
  }
  auto role = get(env, "AWS_ROLE_ARN"), token = get(env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (role && token) {
    s.role_arn = *role;
    s.token_file = *token;
    s.session = get(env, "AWS_ROLE_SESSION_NAME").value_or("ocimirror");
    s.where = "environment (AWS_WEB_IDENTITY_TOKEN_FILE)";
    return s;
  }
  const std::string creds_path = get(env, "AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  if (auto text = read(creds_path); text && from_section(*text, profile, creds_path + " [" + profile + "]", s))
    return s;
  if (config && from_section(*config, config_section, config_path + " [" + config_section + "]", s)) return s;
  // A profile meant to be used but of a form not read here must not fall through to the host's own identity.
  if (config && (ini_value(*config, config_section, "role_arn") || ini_value(*config, config_section, "sso_session") ||
                 ini_value(*config, config_section, "sso_start_url"))) {
    s.where = config_path + " [" + config_section + "]";
    s.problem = s.where +
                " uses a form ocimirror does not read (role_arn with source_profile, SSO); give it a "
                "credential_process, such as `aws configure export-credentials --profile NAME --format process`";
    return s;
  }
  from_host(env, s);
  return s;
}

aws_credentials parse_json_credentials(std::string_view text, std::int64_t* expires_epoch) {
  namespace json = boost::json;
  *expires_epoch = 0;
  boost::system::error_code ec;
  auto doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return {};
  const auto& o = doc.as_object();
  auto str = [&](const char* key) -> std::string {
    const auto* v = o.if_contains(key);
    return v && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  aws_credentials c{str("AccessKeyId"), str("SecretAccessKey"), str("SessionToken"), ""};
  if (c.session_token.empty()) c.session_token = str("Token");
  if (c.access_key_id.empty() || c.secret_access_key.empty()) return {};
  if (auto at = identity::rfc3339_seconds(str("Expiration"))) *expires_epoch = *at;
  return c;
}

std::string ecr_region(std::string_view registry) {
  auto l = ecr_labels(registry);
  return l.empty() ? std::string() : l[3];
}

std::string ecr_account(std::string_view registry) {
  auto l = ecr_labels(registry);
  return l.empty() ? std::string() : l[0];
}

aws_endpoint aws_endpoint_for(std::string_view service, const std::string& region, const env_lookup_fn& env) {
  std::string upper(service);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  const std::string var = "AWS_ENDPOINT_URL_" + upper;
  std::string named = var;
  auto url = get(env, var.c_str());
  if (!url) {
    url = get(env, "AWS_ENDPOINT_URL");
    named = "AWS_ENDPOINT_URL";
  }
  if (url) {
    while (!url->empty() && url->back() == '/') url->pop_back();
    // Parsed as a whole (Boost.URL): "http://localhost:1@other-host" names other-host, and is refused for its
    // user name besides. Its answers and the calls signed for it carry credentials.
    url_parts u;
    try {
      u = split_url(*url);
    } catch (const error& e) {
      return {{}, named + " is not a usable endpoint: " + e.what()};
    }
    if (u.target != "/")
      return {{}, named + "=" + printable(*url) + " has a path or query; give only SCHEME://HOST[:PORT]"};
    if (u.tls || is_loopback_url(*url)) return {u.origin, {}};
    return {{},
            named + "=" + printable(*url) +
                " must be an https:// URL (http:// only on loopback): its answers carry credentials"};
  }
  if (region.empty())
    return {{}, "no AWS region for the " + std::string(service) + " API: set AWS_REGION (or use an ECR registry host)"};
  const std::string suffix = region.starts_with("cn-") ? ".amazonaws.com.cn" : ".amazonaws.com";
  return {"https://" + std::string(service == "ecr" ? "api.ecr." : std::string(service) + ".") + region + suffix, {}};
}

aws_credentials parse_sts_credentials(std::string_view xml, std::int64_t* expires_epoch) {
  auto element = [&](std::string_view name) -> std::string {
    const std::string open = "<" + std::string(name) + ">", close = "</" + std::string(name) + ">";
    auto a = xml.find(open);
    if (a == std::string_view::npos) return {};
    a += open.size();
    auto b = xml.find(close, a);
    return b == std::string_view::npos ? std::string() : std::string(trim_space(xml.substr(a, b - a)));
  };
  aws_credentials c{element("AccessKeyId"), element("SecretAccessKey"), element("SessionToken"), "STS"};
  if (expires_epoch) {
    std::tm tm{};
    const auto when = element("Expiration");
    *expires_epoch = 0;
    if (strptime(when.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) *expires_epoch = static_cast<std::int64_t>(timegm(&tm));
  }
  return c;
}

}  // namespace ocimirror::transfer
