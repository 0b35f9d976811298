#include "transfer/identity/azure_source.hpp"

#include "transfer/identity/token_answer.hpp"
#include "transfer/oci/outside.hpp"

namespace ocimirror::transfer::identity {

namespace {
std::optional<std::string> get(const env_lookup_fn& env, const char* name) {
  auto v = env(name);
  if (v && v->empty()) return std::nullopt;
  return v;
}

std::string without_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}
}  // namespace

azure_source find_azure_source(const env_lookup_fn& env) {
  azure_source s;
  s.tenant = get(env, "AZURE_TENANT_ID").value_or("");
  s.client_id = get(env, "AZURE_CLIENT_ID").value_or("");
  s.authority = without_slash(get(env, "AZURE_AUTHORITY_HOST").value_or("https://login.microsoftonline.com"));
  if (auto p = endpoint_problem(s.authority, "AZURE_AUTHORITY_HOST")) s.problem = *p;
  const bool principal = !s.tenant.empty() && !s.client_id.empty();
  if (auto secret = get(env, "AZURE_CLIENT_SECRET"); secret && principal) {
    s.kind = azure_kind::client_secret;
    s.secret = *secret;
    s.where = "AZURE_CLIENT_SECRET (client " + s.client_id + ")";
    return s;
  }
  if (auto cert = get(env, "AZURE_CLIENT_CERTIFICATE_PATH"); cert && principal) {
    s.kind = azure_kind::client_certificate;
    s.file = *cert;
    s.where = "AZURE_CLIENT_CERTIFICATE_PATH " + *cert + " (client " + s.client_id + ")";
    return s;
  }
  if (auto token = get(env, "AZURE_FEDERATED_TOKEN_FILE"); token && principal) {
    s.kind = azure_kind::workload_identity;
    s.file = *token;
    s.where = "workload identity AZURE_FEDERATED_TOKEN_FILE " + *token + " (client " + s.client_id + ")";
    return s;
  }
  s.problem.clear();  // the authority is not used by a managed identity
  if (auto endpoint = get(env, "IDENTITY_ENDPOINT"), header = get(env, "IDENTITY_HEADER"); endpoint && header) {
    s.kind = azure_kind::app_service;
    s.endpoint = *endpoint;
    s.header = *header;
    if (!header_value_ok(s.header)) s.problem = "IDENTITY_HEADER holds a character a header cannot";
    s.where = "managed identity (IDENTITY_ENDPOINT " + *endpoint + ")";
    if (auto p = endpoint_problem(s.endpoint, "IDENTITY_ENDPOINT", metadata_service::azure)) s.problem = *p;
    return s;
  }
  s.kind = azure_kind::imds;
  const auto host = get(env, "AZURE_POD_IDENTITY_AUTHORITY_HOST");
  s.probe = !host;
  s.endpoint = without_slash(host.value_or("http://169.254.169.254")) + "/metadata/identity/oauth2/token";
  s.where = "managed identity (IMDS at " + s.endpoint + ")";
  if (auto p = endpoint_problem(s.endpoint, "AZURE_POD_IDENTITY_AUTHORITY_HOST", metadata_service::azure))
    s.problem = *p;
  return s;
}

std::string azure_token_url(const azure_source& s) {
  return s.authority + "/" + form_value(s.tenant) + "/oauth2/v2.0/token";
}

std::string managed_identity_url(const azure_source& s) {
  const char* version = s.kind == azure_kind::app_service ? "2019-08-01" : "2018-02-01";
  std::string url = s.endpoint + (s.endpoint.find('?') == std::string::npos ? "?" : "&") + "api-version=" + version +
                    "&resource=" + form_value(acr_resource);
  if (!s.client_id.empty()) url += "&client_id=" + form_value(s.client_id);
  return url;
}

}  // namespace ocimirror::transfer::identity
