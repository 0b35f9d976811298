#include "transfer/registry/profile.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace ocimirror::transfer {

namespace {

constexpr std::uint64_t MiB = 1u << 20;

registry_profile make(std::string_view name, std::string_view family) {
  registry_profile p;
  p.name = name;
  p.family = family;
  return p;
}

// Sources for each line: ../shared/REGISTRIES.md, which cites the public issue or code each was seen in.
std::array<registry_profile, 11> build() {
  auto generic = make("generic", "a registry (spec behaviour)");
  auto distribution = make("distribution", "CNCF distribution");

  auto ecr = make("ecr", "AWS ECR");
  // An intermediate PATCH answers 201 and its Range may lag the bytes stored (aws/containers-roadmap#2831), parts
  // must be 5-10 MiB: one POST + one streamed PUT instead, as ocync does (ocync docs design/engine.md).
  ecr.put_only = true;
  // TAG_INVALID "cannot be overwritten because the tag is immutable" even for the same digest (containers-roadmap
  // #2380); the manifest validator can lag a blob's 201 by hundreds of ms (ocync#104); repositories must exist
  // before a push (regclient#203, ocync#105); tags/list with n > 1000 is an error (go-containerregistry
  // pkg/v1/remote/options.go).
  ecr.immutable_tags = true;
  ecr.manifest_lag = true;
  ecr.repositories_must_exist = true;

  auto acr = make("acr", "Azure ACR");
  // A request body over about 20 MB gets 413 (goharbor/harbor#23015, #21640): PUT up to 16 MiB, larger blobs in
  // PATCHes of 16 MiB, each with Content-Length (Transfer-Encoding: chunked is refused, which ocimirror never sends).
  acr.body_max = 16 * MiB;

  auto ghcr = make("ghcr", "GitHub Container Registry");
  // PATCH bodies over 4 MiB are refused with 416 (ocx-sh/ocx#237) and multi-PATCH claimed to overwrite (ocync):
  // one POST + one PUT. No catalog, no referrers API (404, or a 303 to a rate-limited page: artifacthub/hub#4785).
  ghcr.put_only = true;
  ghcr.referrers_api = false;
  ghcr.catalog = false;

  auto dockerhub = make("dockerhub", "Docker Hub");
  // _catalog disabled, no referrers API; pacing by ratelimit-remaining applies to every registry that sends it.
  dockerhub.referrers_api = false;
  dockerhub.catalog = false;

  auto gar = make("gar", "Google Artifact Registry");
  // No chunked uploads: monolithic PUT (dotnet/sdk-container-builds#287).
  gar.put_only = true;

  auto quay = make("quay", "Quay");        // tag pages of 50 with an opaque next_page Link; mounts always name `from`
  auto harbor = make("harbor", "Harbor");  // mounts always name `from`; not-found is read from the status, not the code

  auto artifactory = make("artifactory", "JFrog Artifactory");
  // Uploads must go through PATCH (containerd#3533); tags/list may hold digests (containers/skopeo#2346).
  artifactory.patch_only = true;
  artifactory.digests_in_tags = true;

  auto gitlab = make("gitlab", "GitLab");  // sha256-<hex> resolves as the digest (oras-go#1396): checked everywhere
  return {generic, distribution, ecr, acr, ghcr, dockerhub, gar, quay, harbor, artifactory, gitlab};
}

const std::array<registry_profile, 11>& all() {
  static const auto profiles = build();
  return profiles;
}

std::string host_of(std::string_view registry) {
  std::string h(registry);
  if (!h.empty() && h.front() == '[') {
    h = h.substr(1, h.find(']') - 1);
  } else if (auto colon = h.rfind(':'); colon != std::string::npos && h.find(':') == colon) {
    h.resize(colon);
  }
  std::transform(h.begin(), h.end(), h.begin(), [](unsigned char c) { return std::tolower(c); });
  return h;
}

bool under(std::string_view host, std::string_view domain) {
  return host.size() > domain.size() && host.ends_with(domain) && host[host.size() - domain.size() - 1] == '.';
}

std::string_view family_of(std::string_view h) {
  // <account>.dkr.ecr.<region>.amazonaws.com (and .amazonaws.com.cn)
  if ((h.ends_with(".amazonaws.com") || h.ends_with(".amazonaws.com.cn")) && h.find(".dkr.ecr.") != std::string::npos)
    return "ecr";
  if (under(h, "azurecr.io") || under(h, "azurecr.cn") || under(h, "azurecr.us")) return "acr";
  if (h == "ghcr.io") return "ghcr";
  if (h == "docker.io" || h == "registry-1.docker.io" || h == "index.docker.io") return "dockerhub";
  if (h.ends_with("-docker.pkg.dev") || h == "gcr.io" || under(h, "gcr.io")) return "gar";
  if (h == "quay.io") return "quay";
  if (under(h, "jfrog.io")) return "artifactory";
  if (h == "registry.gitlab.com") return "gitlab";
  return "generic";
}

}  // namespace

upload_options registry_profile::uploads(upload_options asked) const {
  if (put_only) return {std::numeric_limits<std::uint64_t>::max(), 0};
  if (patch_only) asked.monolithic_max = 0;
  if (body_max != std::numeric_limits<std::uint64_t>::max()) {
    asked.monolithic_max = std::min(asked.monolithic_max, body_max);
    asked.chunk_size = asked.chunk_size == 0 ? body_max : std::min(asked.chunk_size, body_max);
  }
  return asked;
}

const registry_profile* profile_named(std::string_view name) {
  for (const auto& p : all())
    if (p.name == name) return &p;
  return nullptr;
}

const registry_profile& profile_for_host(std::string_view registry) {
  return *profile_named(family_of(host_of(registry)));
}

std::vector<std::string_view> profile_names() {
  std::vector<std::string_view> out;
  for (const auto& p : all()) out.push_back(p.name);
  return out;
}

}  // namespace ocimirror::transfer
