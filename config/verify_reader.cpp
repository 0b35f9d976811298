// `verify:` of a policy: the signers a tag must be signed by. Keyless identities with the Sigstore trusted root they
// are checked against, and keys; every file read and checked now, so a bad one fails the load (or the reload, which
// then keeps the old configuration) and never a run.
#include "config/policy_reader.hpp"

#include "policy/regex.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/sigstore/verify.hpp"

#include <filesystem>

namespace ocimirror::config::detail {

namespace {
constexpr std::size_t most_key_bytes = std::size_t(1) << 20, most_root_bytes = std::size_t(8) << 20;
}  // namespace

std::optional<std::pair<std::string, std::string>> policy_reader::read_beside(const YAML::Node& n,
                                                                              const std::string& path,
                                                                              std::size_t limit) {
  auto f = str(n, path);
  if (!f) return std::nullopt;
  std::filesystem::path p(*f);
  if (p.is_relative()) {  // relative to the configuration's folder
    const auto folder = std::filesystem::path(file).parent_path();
    std::error_code ec;
    p = (folder.empty() ? std::filesystem::current_path(ec) : std::filesystem::absolute(folder, ec)) / p;
  }
  try {  // a regular file, bounded: a FIFO would hold a reload in open()
    return std::make_pair(p.string(), transfer::file::read_file(p.string(), limit));
  } catch (const transfer::error& e) {
    error(n, path, "cannot read " + p.string() + " (" + transfer::file::failure_reason(e, p.string()) + ")");
  }
  return std::nullopt;
}

void policy_reader::parse_key(const YAML::Node& n, const std::string& path, transfer::sigstore::trust& t) {
  auto read = read_beside(n, path, most_key_bytes);
  if (!read) return;
  auto key = transfer::sigstore::parse_trusted_key(read->second);
  if (!key)
    error(n, path, read->first + " is " + key.error());
  else
    t.keys.push_back({read->first, *key});
}

void policy_reader::parse_identity(const YAML::Node& n, const std::string& path, transfer::sigstore::trust& t) {
  if (!check_map(n, path, "identity")) return;
  transfer::sigstore::identity_rule rule;
  // Empty would match a certificate that lacks the field (an unset ${VAR}, say): never a signer anyone meant.
  auto nonempty = [&](const char* key) -> std::optional<std::string> {
    auto v = str(n[key], path + "." + key);
    if (v && v->empty()) {
      error(n[key], path + "." + key, "is empty");
      return std::nullopt;
    }
    return v;
  };
  if (auto issuer = nonempty("issuer")) rule.issuer = *issuer;
  if (n["subject"] && n["subject_regex"]) {
    error(n, path, "give subject or subject_regex, not both");
  } else if (n["subject"]) {
    if (auto s = nonempty("subject")) rule.subject = *s;
  } else if (n["subject_regex"]) {
    if (auto s = nonempty("subject_regex")) {
      // Within the limits std::regex compiles safely; the whole subject must match (regex_match).
      if (auto re = policy::compile_regex(*s)) {
        rule.subject_re.emplace(std::move(*re));
        rule.subject_regex = *s;
      } else {
        error(n["subject_regex"], path + ".subject_regex",
              "'" + *s + "' is not a usable regular expression: " + re.error());
      }
    }
  } else {
    error(n, path, "needs subject (the certificate's email or URI) or subject_regex");
  }
  if (auto gh = n["github"]; gh && check_map(gh, path + ".github", "github_claims"))
    for (const auto& kv : gh) {
      const auto key = kv.first.as<std::string>();
      if (auto v = str(kv.second, path + ".github." + key)) rule.claims[key] = *v;
    }
  t.identities.push_back(std::move(rule));
}

void policy_reader::parse_keyless(const YAML::Node& k, const std::string& kp, transfer::sigstore::trust& t) {
  if (!check_map(k, kp, "keyless")) return;
  if (auto read = read_beside(k["trusted_root"], kp + ".trusted_root", most_root_bytes)) {
    auto root = transfer::sigstore::parse_trusted_root(read->second);
    if (!root)
      error(k["trusted_root"], kp + ".trusted_root", read->first + " is not a Sigstore trusted root: " + root.error());
    else if (root->cas.empty())
      error(k["trusted_root"], kp + ".trusted_root", read->first + " lists no certificate authority (Fulcio)");
    else
      t.root = std::make_shared<const transfer::sigstore::trusted_root>(std::move(*root)), t.root_file = read->first;
  }
  const auto ids = k["identities"];
  if (!ids || !ids.IsSequence() || ids.size() == 0) {
    error(ids ? ids : k, kp + ".identities", "needs a list of {issuer, subject} (or subject_regex) to trust");
    return;
  }
  for (std::size_t i = 0; i < ids.size(); ++i) parse_identity(ids[i], kp + ".identities[" + std::to_string(i) + "]", t);
}

void policy_reader::parse_verify(const YAML::Node& v, const std::string& vp, policy_config& p) {
  if (!check_map(v, vp, "verify")) return;
  auto t = std::make_shared<transfer::sigstore::trust>();
  if (v["cosign_public_key"]) parse_key(v["cosign_public_key"], vp + ".cosign_public_key", *t);
  if (auto keys = v["keys"]) {
    if (!keys.IsSequence())
      error(keys, vp + ".keys", "needs a list of PEM public key files");
    else
      for (std::size_t i = 0; i < keys.size(); ++i) parse_key(keys[i], vp + ".keys[" + std::to_string(i) + "]", *t);
  }
  if (v["keyless"]) parse_keyless(v["keyless"], vp + ".keyless", *t);
  if (!v["keyless"] && !v["keys"] && !v["cosign_public_key"])
    error(v, vp, "needs keyless: {trusted_root, identities} or keys: [FILE...]");
  p.verify = std::move(t);
}

}  // namespace ocimirror::config::detail
