#pragma once
// Where an Azure AD (Microsoft Entra ID) token for ACR comes from, in the order the Azure SDKs'
// DefaultAzureCredential looks:
//   1. a service principal: AZURE_TENANT_ID + AZURE_CLIENT_ID + AZURE_CLIENT_SECRET, or
//      AZURE_CLIENT_CERTIFICATE_PATH (a PEM holding the certificate and its private key: a signed assertion);
//   2. workload identity: AZURE_FEDERATED_TOKEN_FILE + AZURE_TENANT_ID + AZURE_CLIENT_ID (as AKS injects them);
//   3. managed identity: IDENTITY_ENDPOINT + IDENTITY_HEADER where the host offers it so (App Service, Functions,
//      Container Apps), else the instance metadata service (IMDS, 169.254.169.254; AZURE_POD_IDENTITY_AUTHORITY_HOST
//      moves it), AZURE_CLIENT_ID naming a user-assigned identity.
// AZURE_AUTHORITY_HOST names a sovereign cloud's login host (default https://login.microsoftonline.com). Pure.
#include "transfer/identity/aws_chain.hpp"

#include <string>

namespace ocimirror::transfer::identity {

enum class azure_kind { client_secret, client_certificate, workload_identity, app_service, imds };

struct azure_source {
  azure_kind kind = azure_kind::imds;
  std::string tenant, client_id;
  std::string secret;     ///< client_secret
  std::string file;       ///< the certificate PEM, or the federated token file
  std::string authority;  ///< https://login.microsoftonline.com or AZURE_AUTHORITY_HOST, no trailing slash
  std::string endpoint;   ///< managed identity: the token URL without its query
  std::string header;     ///< App Service: IDENTITY_HEADER
  bool probe = false;     ///< IMDS at its default address: an answer that is not a token means "not on Azure"
  std::string where;      ///< for messages: "AZURE_CLIENT_SECRET", "managed identity (IMDS at …)"
  std::string problem;    ///< a variable set so that no source can work: said instead of guessing
};

/// The AAD resource ACR accepts tokens for, and its scope as the v2 token endpoint wants it.
inline constexpr const char* acr_resource = "https://containerregistry.azure.net";
inline constexpr const char* acr_scope = "https://containerregistry.azure.net/.default";

/// The first source the environment sets up; IMDS when none (the caller treats an unreachable IMDS as "none").
azure_source find_azure_source(const env_lookup_fn& env);

/// AUTHORITY/TENANT/oauth2/v2.0/token: where a service principal or a workload identity gets its token.
std::string azure_token_url(const azure_source& s);
/// The managed identity request's URL, with api-version, resource and the user-assigned client id.
std::string managed_identity_url(const azure_source& s);

}  // namespace ocimirror::transfer::identity
