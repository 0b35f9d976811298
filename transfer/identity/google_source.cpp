#include "transfer/identity/google_source.hpp"

#include "transfer/identity/token_answer.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/outside.hpp"

#include <boost/json.hpp>

namespace ocimirror::transfer::identity {
namespace json = boost::json;

namespace {
std::optional<std::string> get(const env_lookup_fn& env, const char* name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::string str(const json::object& o, const char* key) {
  const auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

/// external_account's fields; a problem when its credential source is one ocimirror cannot read.
void read_external(const json::object& o, google_source& s) {
  s.audience = str(o, "audience");
  s.subject_token_type = str(o, "subject_token_type");
  s.token_uri = str(o, "token_url");
  s.impersonation_url = str(o, "service_account_impersonation_url");
  const auto* cs = o.if_contains("credential_source");
  if (!cs || !cs->is_object()) {
    s.problem = s.where + " has no credential_source";
    return;
  }
  const auto& src = cs->as_object();
  if (src.contains("environment_id")) {  // AWS's source also has a url: it must not be read as a URL source
    s.problem = s.where + "'s credential_source is AWS's, which ocimirror does not read (file and url sources are)";
    return;
  }
  s.subject_file = str(src, "file");
  s.subject_url = str(src, "url");
  if (const auto* h = src.if_contains("headers"); h && h->is_object())
    for (const auto& [k, v] : h->as_object())
      if (v.is_string()) s.subject_headers.emplace_back(std::string(k), std::string(v.as_string()));
  if (const auto* f = src.if_contains("format"); f && f->is_object() && str(f->as_object(), "type") == "json")
    s.subject_field = str(f->as_object(), "subject_token_field_name");
  if (s.subject_file.empty() && s.subject_url.empty())
    s.problem = s.where +
                "'s credential_source is neither a file nor a url (executable and AWS sources are "
                "not read by ocimirror)";
  else if (s.audience.empty() || s.subject_token_type.empty() || s.token_uri.empty())
    s.problem = s.where + " lacks audience, subject_token_type or token_url";
}
}  // namespace

google_source google_source_of(std::string_view json_text, const std::string& where) {
  google_source s;
  boost::system::error_code ec;
  auto doc = json::parse(json_text, ec);
  if (ec || !doc.is_object()) {
    s.kind = google_kind::service_account;  // something was meant: said, not skipped
    s.where = where;
    s.problem = where + " is not a JSON object";
    return s;
  }
  const auto& o = doc.as_object();
  const std::string type = str(o, "type");
  s.where = where + " (" + printable(type) + ")";
  if (type == "service_account") {
    s.kind = google_kind::service_account;
    s.client_email = str(o, "client_email");
    s.private_key = str(o, "private_key");
    s.private_key_id = str(o, "private_key_id");
    s.token_uri = str(o, "token_uri");
    if (s.token_uri.empty()) s.token_uri = "https://oauth2.googleapis.com/token";
    if (s.client_email.empty() || s.private_key.empty()) s.problem = s.where + " lacks client_email or private_key";
  } else if (type == "authorized_user") {
    s.kind = google_kind::authorized_user;
    s.client_id = str(o, "client_id");
    s.client_secret = str(o, "client_secret");
    s.refresh_token = str(o, "refresh_token");
    s.token_uri = str(o, "token_uri");
    if (s.token_uri.empty()) s.token_uri = "https://oauth2.googleapis.com/token";
    if (s.client_id.empty() || s.refresh_token.empty()) s.problem = s.where + " lacks client_id or refresh_token";
  } else if (type == "external_account") {
    s.kind = google_kind::external_account;
    read_external(o, s);
  } else {
    s.kind = google_kind::service_account;
    s.problem = s.where +
                " is of a type ocimirror does not read (service_account, authorized_user and "
                "external_account are)";
  }
  for (const auto* url : {&s.token_uri, &s.impersonation_url})
    if (s.problem.empty() && !url->empty())
      if (auto p = endpoint_problem(*url, s.where)) s.problem = *p;
  // The subject token may come from a metadata service (Azure's IMDS, in gcloud's --azure configurations).
  if (s.problem.empty() && !s.subject_url.empty())
    if (auto p = endpoint_problem(s.subject_url, s.where + "'s credential_source.url", metadata_service::azure))
      s.problem = *p;
  return s;
}

google_source find_google_source(const env_lookup_fn& env, const file_read_fn& read) {
  if (auto path = get(env, "GOOGLE_APPLICATION_CREDENTIALS")) {
    const std::string where = "GOOGLE_APPLICATION_CREDENTIALS " + *path;
    if (auto text = read(*path)) return google_source_of(*text, where);
    google_source s;
    s.kind = google_kind::service_account;
    s.where = where;
    s.problem = "cannot read " + where;
    return s;
  }
  const std::string gcloud = get(env, "CLOUDSDK_CONFIG").value_or(get(env, "HOME").value_or("") + "/.config/gcloud");
  const std::string adc = gcloud + "/application_default_credentials.json";
  if (auto text = read(adc)) return google_source_of(*text, adc);
  google_source s;
  if (auto no = get(env, "NO_GCE_CHECK"); no && (*no == "true" || *no == "True" || *no == "1")) return s;
  s.kind = google_kind::metadata;
  const std::string host = get(env, "GCE_METADATA_HOST").value_or("metadata.google.internal");
  s.metadata_url = "http://" + host + "/computeMetadata/v1/instance/service-accounts/default/token";
  s.where = "the metadata server at " + printable(host);
  if (auto p = endpoint_problem(s.metadata_url, "GCE_METADATA_HOST", metadata_service::google)) s.problem = *p;
  return s;
}

std::optional<std::string> subject_token_of(const google_source& s, std::string_view body) {
  if (s.subject_field.empty()) {
    auto t = trim_space(body);
    return t.empty() ? std::nullopt : std::optional<std::string>(t);
  }
  boost::system::error_code ec;
  auto doc = json::parse(body, ec);
  if (ec || !doc.is_object()) return std::nullopt;
  auto t = str(doc.as_object(), s.subject_field.c_str());
  return t.empty() ? std::nullopt : std::optional<std::string>(t);
}

}  // namespace ocimirror::transfer::identity
