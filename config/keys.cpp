// The key table behind the loader's strictness and the JSON Schema. Help texts are what an editor shows on hover.
#include "config/keys.hpp"

#include "transfer/registry/profile.hpp"

#include <map>
#include <stdexcept>

namespace ocimirror::config {
namespace {

using enum value_type;

std::vector<section_spec> build() {
  std::vector<section_spec> s;
  s.push_back(
      {"file",
       "An ocimirror configuration: registries, policies and the daemon.",
       {
           {"state_dir", string, "Where run state and the cache live (default /var/lib/ocimirror)."},
           {"registries", section_by_name, "Connection settings per registry HOST[:PORT].", "registry"},
           {"defaults", section,
            "Keys every policy takes unless it gives its own (a policy's key replaces the default "
            "whole).",
            "defaults"},
           {"policies", section_list, "What to mirror, from where to where, and when.", "policy", {}, 0, 0, true},
           {"daemon", section, "How `ocimirror daemon` is reached and stops.", "daemon"},
       }});
  s.push_back(
      {"registry",
       "Connection settings for one registry.",
       {
           {"tls",
            choice,
            "enabled (default), insecure (no certificate check) or disabled (plain HTTP).",
            {},
            {"enabled", "insecure", "disabled"}},
           {"ca_file", string, "A PEM file of extra CA certificates to trust for this registry."},
           {"username", string, "User name; goes with password or password_file."},
           {"password", string, "Password or token, usually ${VAR}; never logged."},
           {"password_file", string, "A file holding the password (a Kubernetes Secret key, a systemd credential)."},
           {"max_concurrency", integer, "Most requests in flight to this registry (default 32).", {}, {}, 1, 256},
           {"list_max_entries", integer, "Most names one listing (catalog, tags) may return.", {}, {}, 1, 100'000'000},
           {"list_max_pages", integer, "Most pages one listing may take.", {}, {}, 1, 10'000'000},
           {"proxy", string, "'none', or http://[USER:PASSWORD@]HOST:PORT (default: HTTPS_PROXY/HTTP_PROXY/NO_PROXY)."},
           {"profile",
            choice,
            "The registry's known quirks, when its host does not say (e.g. a private GitLab).",
            {},
            {}},
           {"create_repositories", boolean, "ECR: create a missing destination repository before pushing."},
           {"ecr_repository", section, "ECR: settings of repositories it creates.", "ecr_repository"},
       }});
  for (auto& k : s.back().keys)
    if (k.name == "profile")
      for (auto name : transfer::profile_names()) k.choices.push_back(name);
  s.push_back({"ecr_repository",
               "Settings of the ECR repositories ocimirror creates.",
               {
                   {"tag_mutability", choice, "MUTABLE or IMMUTABLE.", {}, {"MUTABLE", "IMMUTABLE"}},
                   {"scan_on_push", boolean, "Turn on ECR's scan on push."},
                   {"encryption", choice, "AES256 or KMS.", {}, {"AES256", "KMS"}},
                   {"kms_key", string, "The KMS key (needs encryption: KMS)."},
               }});
  s.push_back({"policy",
               "One mirroring policy.",
               {
                   {"name",
                    string,
                    "Unique; letters, digits, '.', '_', '-' (it names the state file).",
                    {},
                    {},
                    0,
                    0,
                    true,
                    true},
                   {"from", string, "REGISTRY[/PATH], oci:DIR or oci-archive:FILE.tar.", {}, {}, 0, 0, true, true},
                   {"to", string, "REGISTRY[/PATH], oci:DIR or oci-archive:FILE.tar.", {}, {}, 0, 0, true, true},
                   {"repositories",
                    strings_or_section,
                    "Repositories under `from`: globs (* ? **) or regex:..., as a list or as "
                    "include/exclude (default: every repository).",
                    "repositories",
                    {},
                    0,
                    0,
                    false,
                    true},
                   {"rename",
                    section_list,
                    "Repositories that land under another name at `to`.",
                    "rename",
                    {},
                    0,
                    0,
                    false,
                    true},
                   {"tags", section, "Which tags: include/exclude regexes, a semver range, the latest N.", "tags"},
                   {"platforms", strings, "Platforms kept from multi-arch images, e.g. linux/amd64, linux/arm64/v8."},
                   {"artifact_types", section, "Artifact types to mirror or leave out.", "artifact_types"},
                   {"overwrite",
                    choice,
                    "changed (default): follow the source; never: keep what the destination has.",
                    {},
                    {"changed", "never"}},
                   {"prune", boolean, "Delete destination tags the source no longer has (default false)."},
                   {"schedule", section, "When the daemon runs the policy.", "schedule"},
                   {"keep",
                    integer,
                    "to: oci:DIR only: each run is a dated snapshot, the newest `keep` are kept.",
                    {},
                    {},
                    1,
                    100000,
                    false,
                    true},
                   {"referrers", boolean_or_section,
                    "Signatures, SBOMs and attestations that travel with each tag (default: "
                    "all); false for none.",
                    "referrers"},
                   {"verify", section, "Mirror only tags signed with this cosign key.", "verify"},
               }});
  s.push_back(
      {"repositories",
       "Repositories under `from`.",
       {
           {"include", strings, "Globs (* ? within a segment, ** across) or regex:...; none: every repository."},
           {"exclude", strings, "Globs or regex:...; a repository any of them matches is left out."},
       }});
  s.push_back({"rename",
               "One repository, or a folder ending in '/', that lands under another name.",
               {
                   {"from", string, "Relative to the policy's `from`: NAME or FOLDER/.", {}, {}, 0, 0, true},
                   {"to",
                    string,
                    "Relative to the policy's `to`: NAME, FOLDER/, or \"\" to flatten a folder.",
                    {},
                    {},
                    0,
                    0,
                    true},
               }});
  s.push_back(
      {"tags",
       "Which tags of each repository.",
       {
           {"include", strings,
            "Regular expressions, searched in the tag (anchor with ^...$); a tag must match one. None: every tag."},
           {"exclude", strings, "Regular expressions, searched in the tag; a tag any of them matches is left out."},
           {"semver", string, "A semver range: \">=1.2 <2\", \"^1.4\", \"~1.2\", \"1.x\", joined by ||."},
           {"latest", integer, "Keep the newest N by semver after the other rules.", {}, {}, 1, 100000},
       }});
  s.push_back({"artifact_types",
               "Tag types to mirror or leave out: the artifactType, else the config media type, else the manifest's.",
               {
                   {"include", strings, "Only tags of these types."},
                   {"exclude", strings, "Never tags of these types (exclude wins)."},
               }});
  s.push_back({"referrers",
               "Which referrers travel with each tag, by artifact type.",
               {
                   {"include", strings, "Only these artifact types."},
                   {"exclude", strings, "Never these artifact types."},
               }});
  s.push_back({"schedule",
               "When the daemon runs the policy: every or cron.",
               {
                   {"every", duration, "An interval: 45s, 15m, 1h30m, 1d."},
                   {"cron", string, "Five cron fields, UTC: minute hour day month weekday."},
                   {"at_start", boolean, "Also run as soon as the daemon starts."},
               }});
  s.push_back({"verify",
               "The cosign key a tag must be signed with.",
               {
                   {"cosign_public_key",
                    string,
                    "A PEM public key file (relative to the config's folder).",
                    {},
                    {},
                    0,
                    0,
                    true},
               }});
  s.push_back(
      {"daemon",
       "How `ocimirror daemon` is reached and stops.",
       {
           {"listen", string, "HOST:PORT of the metrics and admin API (default 127.0.0.1:9469)."},
           {"token", string, "Bearer token POST /v1/... needs (16+ characters), usually ${VAR}."},
           {"token_file", string, "A file holding the token."},
           {"drain_timeout", duration, "On SIGTERM, how long transfers in flight may take to finish (default 30s)."},
           {"allow_unauthenticated", boolean, "Allow a non-loopback listen without a token."},
       }});
  section_spec defaults{"defaults", "Keys every policy takes unless it gives its own.", {}};
  for (const auto& k : s.at(3).keys)  // "policy"
    if (!k.per_policy) defaults.keys.push_back(k);
  s.push_back(std::move(defaults));
  return s;
}

}  // namespace

std::vector<std::string_view> section_spec::names() const {
  std::vector<std::string_view> out;
  for (const auto& k : keys) out.push_back(k.name);
  return out;
}

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
