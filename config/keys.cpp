// The key table behind the loader's strictness and the JSON Schema. Help texts are what an editor shows on hover.
#include "config/keys.hpp"

#include "transfer/registry/profile.hpp"

#include <stdexcept>

namespace ocimirror::config {
namespace {

using enum value_type;

key_spec number(std::string_view name, long lo, long hi, std::string_view help) {
  key_spec k{name, integer, help};
  k.lo = lo, k.hi = hi;
  return k;
}
key_spec one_of(std::string_view name, std::vector<std::string_view> choices, std::string_view help) {
  key_spec k{name, choice, help};
  k.choices = std::move(choices);
  return k;
}
key_spec required(key_spec k) {
  k.required = true;
  return k;
}
/// A key of one policy alone, which `defaults:` may not give.
key_spec own(key_spec k) {
  k.per_policy = true;
  return k;
}

std::vector<std::string_view> profile_choices() {
  std::vector<std::string_view> out;
  for (auto name : transfer::profile_names()) out.push_back(name);
  return out;
}

section_spec file_section() {
  return {
      "file",
      "An ocimirror configuration: registries, policies and the daemon.",
      {
          {"state_dir", string, "Where run state and the cache live (default /var/lib/ocimirror)."},
          {"registries", section_by_name, "Connection settings per registry HOST[:PORT].", "registry"},
          {"defaults", section,
           "Keys every policy takes unless it gives its own (a policy's key replaces the default whole).", "defaults"},
          required({"policies", section_list, "What to mirror, from where to where, and when.", "policy"}),
          {"daemon", section, "How `ocimirror daemon` is reached and stops.", "daemon"},
      }};
}

std::vector<section_spec> registry_sections() {
  return {
      {"registry",
       "Connection settings for one registry.",
       {
           one_of("tls", {"enabled", "insecure", "disabled"},
                  "enabled (default), insecure (no certificate check) or disabled (plain HTTP)."),
           {"ca_file", string, "A PEM file of extra CA certificates to trust for this registry."},
           {"client_cert", string, "Mutual TLS: a PEM certificate (chain) to present; goes with client_key."},
           {"client_key", string, "Mutual TLS: the PEM private key of client_cert."},
           {"username", string, "User name; goes with password or password_file."},
           {"password", string, "Password or token, usually ${VAR}; never logged."},
           {"password_file", string, "A file holding the password (a Kubernetes Secret key, a systemd credential)."},
           number("max_concurrency", 1, 256, "Most requests in flight to this registry (default 32)."),
           number("list_max_entries", 1, 100'000'000, "Most names one listing (catalog, tags) may return."),
           number("list_max_pages", 1, 10'000'000, "Most pages one listing may take."),
           {"proxy", string, "'none', or http://[USER:PASSWORD@]HOST:PORT (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY)."},
           one_of("profile", profile_choices(),
                  "The registry's known quirks, when its host does not say (e.g. a private GitLab)."),
           {"create_repositories", boolean, "ECR: create a missing destination repository before pushing."},
           {"ecr_repository", section, "ECR: settings of repositories it creates.", "ecr_repository"},
       }},
      {"ecr_repository",
       "Settings of the ECR repositories ocimirror creates.",
       {
           one_of("tag_mutability", {"MUTABLE", "IMMUTABLE"}, "MUTABLE or IMMUTABLE."),
           {"scan_on_push", boolean, "Turn on ECR's scan on push."},
           one_of("encryption", {"AES256", "KMS"}, "AES256 or KMS."),
           {"kms_key", string, "The KMS key (needs encryption: KMS)."},
       }},
  };
}

section_spec policy_section() {
  return {
      "policy",
      "One mirroring policy.",
      {
          own(required({"name", string, "Unique; letters, digits, '.', '_', '-' (it names the state file)."})),
          own(required({"from", string, "REGISTRY[/PATH], oci:DIR or oci-archive:FILE.tar."})),
          own(required({"to", string, "REGISTRY[/PATH], oci:DIR or oci-archive:FILE.tar."})),
          own({"repositories", strings_or_section,
               "Repositories under `from`: globs (* ? **) or regex:..., as a list or as include/exclude "
               "(default: every repository).",
               "repositories"}),
          own({"rename", section_list, "Repositories that land under another name at `to`.", "rename"}),
          {"tags", section, "Which tags: include/exclude regexes, a semver range, the latest N.", "tags"},
          {"platforms", strings, "Platforms kept from multi-arch images, e.g. linux/amd64, linux/arm64/v8."},
          {"artifact_types", section, "Artifact types to mirror or leave out.", "artifact_types"},
          one_of("overwrite", {"changed", "never"},
                 "changed (default): follow the source; never: keep what the destination has."),
          {"prune", boolean, "Delete destination tags the source no longer has (default false)."},
          {"schedule", section, "When the daemon runs the policy.", "schedule"},
          own(number("keep", 1, 100000, "to: oci:DIR only: each run is a dated snapshot, the newest `keep` are kept.")),
          {"referrers", boolean_or_section,
           "Signatures, SBOMs and attestations that travel with each tag (default: all); false for none.", "referrers"},
          {"verify", section, "Mirror only tags with a signature by a trusted signer: keyless identities or keys.",
           "verify"},
      }};
}

std::vector<section_spec> selection_sections() {
  return {
      {"repositories",
       "Repositories under `from`.",
       {
           {"include", strings, "Globs (* ? within a segment, ** across) or regex:...; none: every repository."},
           {"exclude", strings, "Globs or regex:...; a repository any of them matches is left out."},
       }},
      {"rename",
       "One repository, or a folder ending in '/', that lands under another name.",
       {
           required({"from", string, "Relative to the policy's `from`: NAME or FOLDER/."}),
           required({"to", string, "Relative to the policy's `to`: NAME, FOLDER/, or \"\" to flatten a folder."}),
       }},
      {"tags",
       "Which tags of each repository.",
       {
           {"include", strings,
            "Regular expressions, searched in the tag (anchor with ^...$); a tag must match one. None: every tag."},
           {"exclude", strings, "Regular expressions, searched in the tag; a tag any of them matches is left out."},
           {"semver", string, "A semver range: \">=1.2 <2\", \"^1.4\", \"~1.2\", \"1.x\", joined by ||."},
           number("latest", 1, 100000, "Keep the newest N by semver after the other rules."),
       }},
      {"artifact_types",
       "Tag types to mirror or leave out: the artifactType, else the config media type, else the manifest's.",
       {
           {"include", strings, "Only tags of these types."},
           {"exclude", strings, "Never tags of these types (exclude wins)."},
       }},
      {"referrers",
       "Which referrers travel with each tag, by artifact type.",
       {
           {"include", strings, "Only these artifact types."},
           {"exclude", strings, "Never these artifact types."},
       }},
      {"schedule",
       "When the daemon runs the policy: every or cron.",
       {
           {"every", duration, "An interval: 45s, 15m, 1h30m, 1d."},
           {"cron", string, "Five cron fields, UTC: minute hour day month weekday."},
           {"at_start", boolean, "Also run as soon as the daemon starts."},
       }},
      {"verify",
       "The signers a tag must be signed by (a cosign signature or a Sigstore bundle among its referrers).",
       {
           {"keyless", section, "Sigstore keyless signers: a trusted root and the identities to accept.", "keyless"},
           {"keys", strings, "PEM public key files (ECDSA, RSA, Ed25519), relative to the config's folder."},
           {"cosign_public_key", string, "One PEM public key file (the same as keys: [FILE])."},
       }},
      {"keyless",
       "Keyless (Fulcio certificate) signatures, checked offline against a Sigstore trusted root.",
       {
           required({"trusted_root", string,
                     "Sigstore's trusted_root.json (Fulcio CAs, Rekor, CT logs, TSAs), refreshed out of band."}),
           required({"identities", section_list, "The signers to accept; one must match.", "identity"}),
       }},
      {"identity",
       "A signer: the OIDC issuer and the certificate's subject (SAN), exactly or by regex.",
       {
           required({"issuer", string, "The OIDC issuer, e.g. https://token.actions.githubusercontent.com."}),
           {"subject", string,
            "The certificate's email or URI exactly, e.g. a workflow's URI ending @refs/tags/v1.2.3."},
           {"subject_regex", string, "A regular expression the whole subject must match."},
           {"github", section, "GitHub Actions claims the certificate must also carry.", "github_claims"},
       }},
      {"github_claims",
       "GitHub Actions claims of a Fulcio certificate.",
       {
           {"repository", string, "ORG/REPO the workflow ran in."},
           {"ref", string, "The git ref, e.g. refs/tags/v1.2.3."},
           {"sha", string, "The commit."},
           {"trigger", string, "The event, e.g. push or release."},
           {"workflow", string, "The workflow's name."},
       }},
  };
}

section_spec daemon_section() {
  return {"daemon",
          "How `ocimirror daemon` is reached and stops.",
          {
              {"listen", string, "HOST:PORT of the metrics and admin API (default 127.0.0.1:9469)."},
              {"token", string, "Bearer token POST /v1/... needs (16+ characters), usually ${VAR}."},
              {"token_file", string, "A file holding the token."},
              {"drain_timeout", duration, "On SIGTERM, how long transfers in flight may take to finish (default 30s)."},
              {"allow_unauthenticated", boolean, "Allow a non-loopback listen without a token."},
          }};
}

std::vector<section_spec> build() {
  std::vector<section_spec> s{file_section(), policy_section(), daemon_section()};
  auto append = [&s](std::vector<section_spec> more) {
    for (auto& one : more) s.push_back(std::move(one));
  };
  append(registry_sections());
  append(selection_sections());
  // `defaults:` is the policy section less what only one policy can say.
  section_spec defaults{"defaults", "Keys every policy takes unless it gives its own.", {}};
  for (const auto& k : policy_section().keys)
    if (!k.per_policy) defaults.keys.push_back(k);
  s.push_back(std::move(defaults));
  return s;
}

}  // namespace

const key_spec* section_spec::find(std::string_view key) const {
  for (const auto& k : keys)
    if (k.name == key) return &k;
  return nullptr;
}

const section_spec& section(std::string_view name) {
  static const std::vector<section_spec> table = build();
  for (const auto& s : table)
    if (s.name == name) return s;
  throw std::out_of_range("no configuration section " + std::string(name));
}

}  // namespace ocimirror::config
