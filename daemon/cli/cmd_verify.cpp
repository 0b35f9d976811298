// `ocimirror verify REF`: the signature gate for one image, as `cosign verify` reports it: which checks were made
// (on stderr) and the verified claims with the signer's identity, issuer, log index and integrated time (stdout).
#include "daemon/cli/commands.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/endpoint_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/session.hpp"
#include "daemon/run/signature_gate.hpp"
#include "policy/regex.hpp"
#include "transfer/net/file_io.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace ocimirror::daemon {
namespace json = boost::json;
namespace sigstore = transfer::sigstore;

namespace {

constexpr const char* help = R"(Usage: ocimirror verify [OPTIONS] REF

Checks that REF (HOST[:PORT]/REPOSITORY:TAG or @sha256:DIGEST) carries a signature by a trusted signer, exactly as
a policy's `verify:` gate does: cosign's signature tag (sha256-<hex>.sig) and Sigstore bundles among its referrers,
keyless (a Fulcio certificate, checked offline against a Sigstore trusted root) or by a key. Like `cosign verify`,
it prints the checks made on stderr and the verified claims on stdout; exit 0 when a signature verifies, 1 when
none does (with the reason: no signature, identity, certificate chain, time, log entry, signature, artifact).

Examples:
  ocimirror verify ghcr.io/acme/app:v1.2.3 --trusted-root trusted_root.json \
    --certificate-oidc-issuer https://token.actions.githubusercontent.com \
    --certificate-identity https://github.com/acme/app/.github/workflows/release.yml@refs/tags/v1.2.3
  ocimirror verify registry.example.com/team/app:v1 --key cosign.pub
)";

struct verify_args {
  network_flags net;
  std::string output = "cosign", trusted_root, identity, identity_regex, issuer;
  std::vector<std::string> keys, positional;
};

/// The policy a flag set makes: what `verify:` in a configuration would say.
sigstore::trust trust_of(const verify_args& v) {
  sigstore::trust t;
  for (const auto& f : v.keys) {
    auto key = sigstore::parse_trusted_key(transfer::file::read_file(f, std::size_t(1) << 20));
    if (!key) throw po::error("--key " + f + " is " + key.error());
    t.keys.push_back({f, *key});
  }
  if (v.trusted_root.empty()) {
    if (!v.identity.empty() || !v.identity_regex.empty())
      throw po::error("--certificate-identity needs --trusted-root (Sigstore's trusted_root.json)");
    if (t.keys.empty()) throw po::error("give --trusted-root with an identity (keyless), or --key FILE");
    return t;
  }
  const bool keyless = !v.issuer.empty() || !v.identity.empty() || !v.identity_regex.empty();
  auto root = sigstore::parse_trusted_root(transfer::file::read_file(v.trusted_root, std::size_t(8) << 20));
  if (!root) throw po::error(v.trusted_root + " is not a Sigstore trusted root: " + root.error());
  if (keyless && root->cas.empty()) throw po::error(v.trusted_root + " lists no certificate authority (Fulcio)");
  t.root = std::make_shared<const sigstore::trusted_root>(std::move(*root));
  t.root_file = v.trusted_root;
  if (!keyless && !t.keys.empty()) return t;  // keys, with their log entries checked against the root
  if (v.issuer.empty() || (v.identity.empty() == v.identity_regex.empty()))
    throw po::error(
        "keyless needs --certificate-oidc-issuer and one of --certificate-identity, "
        "--certificate-identity-regexp");
  sigstore::identity_rule rule;
  rule.issuer = v.issuer;
  rule.subject = v.identity;
  if (!v.identity_regex.empty()) {
    rule.subject_regex = v.identity_regex;
    auto re = policy::compile_regex(v.identity_regex);
    if (!re) throw po::error("--certificate-identity-regexp: " + re.error());
    rule.subject_re.emplace(std::move(*re));
  }
  t.identities.push_back(std::move(rule));
  return t;
}

/// cosign's output: the claims, with the signer and the log entry under "optional".
json::value cosign_json(const sigstore::verdict& v, const std::string& repo_ref, const std::string& digest) {
  boost::system::error_code ec;
  json::value critical = json::parse(v.statement, ec);
  if (ec || !critical.is_object() || !critical.as_object().contains("critical"))
    critical = json::object{{"critical", json::object{{"identity", {{"docker-reference", repo_ref}}},
                                                      {"image", {{"docker-manifest-digest", digest}}},
                                                      {"type", "cosign container image signature"}}}};
  json::object claim{{"critical", critical.as_object().at("critical")}};
  json::object optional;
  if (!v.signer.subject.empty()) {
    optional["Issuer"] = v.signer.issuer;
    optional["Subject"] = v.signer.subject;
    static constexpr std::pair<const char*, const char*> github[] = {{"trigger", "githubWorkflowTrigger"},
                                                                     {"sha", "githubWorkflowSha"},
                                                                     {"workflow", "githubWorkflowName"},
                                                                     {"repository", "githubWorkflowRepository"},
                                                                     {"ref", "githubWorkflowRef"}};
    for (auto [name, key] : github)
      if (auto it = v.signer.claims.find(name); it != v.signer.claims.end()) optional[key] = it->second;
  }
  if (v.log_index >= 0)
    optional["Bundle"] = {{"Payload", {{"integratedTime", v.integrated_time}, {"logIndex", v.log_index}}}};
  claim["optional"] = optional.empty() ? json::value(nullptr) : json::value(std::move(optional));
  return json::array{std::move(claim)};
}

}  // namespace

int cmd_verify(const args& a) {
  verify_args v;
  bool json_out = false;
  return guarded(json_out, [&]() -> int {
    po::options_description opts("Options");
    opts.add_options()("help,h", "show this help")("trusted-root", po::value(&v.trusted_root),
                                                   "Sigstore's trusted_root.json: Fulcio CAs, Rekor, CT logs, TSAs")(
        "certificate-identity", po::value(&v.identity), "the signer's email or URI, exactly")(
        "certificate-identity-regexp", po::value(&v.identity_regex), "a regex the whole signer identity must match")(
        "certificate-oidc-issuer", po::value(&v.issuer),
        "the OIDC issuer, e.g. https://token.actions.githubusercontent.com")(
        "key", po::value(&v.keys), "a PEM public key (ECDSA, RSA, Ed25519); may be repeated")(
        "output,o", po::value(&v.output), "cosign (default: as cosign verify prints) or json");
    opts.add(v.net.describe());
    if (parse_positional(a, opts, v.positional, help)) return exit_ok;
    if (v.output != "cosign" && v.output != "json") throw po::error("--output must be cosign or json");
    if (v.positional.size() != 1) throw po::error("expected exactly one reference");
    json_out = v.output == "json";
    auto ref = reference_arg(v.positional[0]);
    if (!ref) return exit_usage;
    const auto t = trust_of(v);
    session s = session_for(v.net);
    sigstore::verdict verdict;
    std::string digest;
    s.run([&]() -> transfer::awaitable<void> {
      auto& client = s.client(*ref);
      const std::string target = ref->digest.empty() ? ref->tag : ref->digest;
      auto head = co_await client.head_manifest(ref->repository, target);
      if (!head) throw transfer::error(transfer::errc::not_found, "manifest " + ref->str() + " not found");
      digest = ref->digest.empty() ? head->digest : ref->digest;  // a pinned digest is the one judged
      transfer::registry_endpoint src(client);
      verdict = co_await find_trusted_signature(src, ref->repository, digest, t, nullptr);
    });
    const std::string repo_ref = ref->registry + "/" + ref->repository;
    if (json_out) {
      json::object o{{"reference", ref->str()},
                     {"digest", digest},
                     {"verified", static_cast<bool>(verdict)},
                     {"refusal", sigstore::to_string(verdict.why)},
                     {"reason", verdict.reason},
                     {"subject", verdict.signer.subject},
                     {"issuer", verdict.signer.issuer},
                     {"key", verdict.key},
                     {"logIndex", verdict.log_index},
                     {"integratedTime", verdict.integrated_time},
                     {"log", verdict.log_url}};
      std::cout << json::serialize(o) << "\n";
      return verdict ? exit_ok : exit_failed;
    }
    if (!verdict) {
      std::cerr << "Error: no matching signatures: " << sigstore::to_string(verdict.why) << ": " << verdict.reason
                << "\n";
      return exit_failed;
    }
    std::cerr << "\nVerification for " << repo_ref << "@" << digest << " --\n"
              << "The following checks were performed on each of these signatures:\n"
              << "  - The cosign claims were validated\n";
    if (verdict.log_index >= 0)
      std::cerr << "  - Existence of the claims in the transparency log was verified offline\n";
    if (!verdict.signer.subject.empty())
      std::cerr << "  - The code-signing certificate was verified using trusted certificate authority certificates\n";
    else
      std::cerr << "  - The signatures were verified against the specified public key\n";
    std::cout << json::serialize(cosign_json(verdict, repo_ref, digest)) << "\n";
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
