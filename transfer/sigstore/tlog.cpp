#include "transfer/sigstore/tlog.hpp"

#include "transfer/oci/base64.hpp"
#include "transfer/sigstore/canonical_json.hpp"

#include <boost/json.hpp>

#include <charconv>

namespace ocimirror::transfer::sigstore {

std::optional<std::string> verify_set(const tlog_entry& e, const log_key& log) {
  if (!e.set) return std::string("the log entry has no signed entry timestamp");
  boost::json::object promise;
  promise["body"] = base64_encode(e.canonical_body);
  promise["integratedTime"] = e.integrated_time;
  promise["logID"] = to_hex(e.log_id);
  promise["logIndex"] = e.log_index;
  if (!verifies(log.key.get(), canonical_json(promise), *e.set))
    return "the signed entry timestamp of log entry " + std::to_string(e.log_index) +
           " does not verify with the key of " + log.base_url;
  return std::nullopt;
}

bool audit_path_leads_to(std::int64_t index, std::int64_t size, std::string r, const std::vector<std::string>& hashes,
                         std::string_view root) {
  if (index < 0 || index >= size) return false;
  auto node = [](std::string_view left, std::string_view right) {
    return sha256_raw(std::string(1, '\1') + std::string(left) + std::string(right));
  };
  std::uint64_t fn = static_cast<std::uint64_t>(index), sn = static_cast<std::uint64_t>(size) - 1;
  for (const auto& p : hashes) {
    if (sn == 0 || p.size() != 32) return false;
    if ((fn & 1) || fn == sn) {
      r = node(p, r);
      if (!(fn & 1))
        while (!(fn & 1) && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
    } else {
      r = node(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn == 0 && r == root;
}

namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto nl = text.find('\n');
    out.push_back(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return out;
}

/// The key hints that name this log's key in a note signature: Rekor's (the log id's first 4 bytes) and the
/// signed-note rule for Ed25519 (SHA-256 of name, newline, 0x01 and the raw key).
bool hint_names(const log_key& log, std::string_view name, std::string_view hint) {
  if (log.key_id.size() >= 4 && hint == std::string_view(log.key_id).substr(0, 4)) return true;
  if (EVP_PKEY_get_base_id(log.key.get()) == EVP_PKEY_ED25519) {
    std::string raw(32, '\0');
    std::size_t len = raw.size();
    if (EVP_PKEY_get_raw_public_key(log.key.get(), reinterpret_cast<unsigned char*>(raw.data()), &len) == 1) {
      raw.resize(len);
      return sha256_raw(std::string(name) + "\n\x01" + raw).substr(0, 4) == hint;
    }
  }
  return false;
}

/// "rekor.sigstore.dev" of "https://rekor.sigstore.dev/…".
std::string host_of(std::string_view url) {
  if (auto at = url.find("://"); at != std::string_view::npos) url.remove_prefix(at + 3);
  return std::string(url.substr(0, url.find('/')));
}

}  // namespace

boost::system::result<checkpoint, std::string> verify_checkpoint(std::string_view note, const log_key& log,
                                                                 bool named) {
  using result = boost::system::result<checkpoint, std::string>;
  auto bad = [](std::string why) { return result(boost::system::in_place_error, std::move(why)); };
  const auto split = note.find("\n\n");
  if (split == std::string_view::npos) return bad(std::string("the checkpoint has no signatures"));
  const std::string_view text = note.substr(0, split + 1);
  const auto body = lines_of(text.substr(0, text.size() - 1));
  checkpoint cp;
  if (body.size() < 3 || body[0].empty()) return bad(std::string("the checkpoint lacks its origin, size or root hash"));
  cp.origin = std::string(body[0]);
  auto r = std::from_chars(body[1].data(), body[1].data() + body[1].size(), cp.size);
  if (r.ec != std::errc() || r.ptr != body[1].data() + body[1].size() || cp.size < 0)
    return bad("the checkpoint's size is not a number: " + std::string(body[1]));
  auto root = base64_decode(body[2]);
  if (!root || root->size() != 32) return bad(std::string("the checkpoint's root hash is not a base64 SHA-256"));
  cp.root_hash = *root;
  // Rekor v2 names itself by its URL's host, in the origin line and in its signature line; lines by other names or
  // keys (witnesses' cosignatures) are not ours to check. Rekor v1's origin carries a tree id after the host.
  const std::string host = host_of(log.base_url);
  if (named && cp.origin != host) return bad("the checkpoint's origin is " + cp.origin + ", not " + host);
  bool verified = false;
  for (auto line : lines_of(note.substr(split + 2))) {
    // "— <name> <base64(key hint ‖ signature)>"
    static constexpr std::string_view dash = "\xe2\x80\x94 ";
    if (!line.starts_with(dash)) continue;
    line.remove_prefix(dash.size());
    const auto sp = line.rfind(' ');
    if (sp == std::string_view::npos) continue;
    const auto name = line.substr(0, sp);
    auto sig = base64_decode(line.substr(sp + 1));
    if (!sig || sig->size() < 5 || (named && name != host) ||
        !hint_names(log, name, std::string_view(*sig).substr(0, 4)))
      continue;
    if (!verifies(log.key.get(), text, std::string_view(*sig).substr(4)))
      return bad("the checkpoint's signature by " + log.base_url + " does not verify");
    verified = true;
  }
  if (verified) return cp;
  return bad("the checkpoint has no signature by " + log.base_url);
}

std::optional<std::string> verify_inclusion(const tlog_entry& e, const log_key& log) {
  if (!e.inclusion) return std::string("the log entry has no inclusion proof");
  const auto& p = *e.inclusion;
  const std::string leaf = sha256_raw(std::string(1, '\0') + e.canonical_body);
  if (!audit_path_leads_to(p.log_index, p.tree_size, leaf, p.hashes, p.root_hash))
    return "the inclusion proof of log entry " + std::to_string(e.log_index) + " does not lead to its root hash";
  if (p.checkpoint.empty()) return std::string("the inclusion proof has no checkpoint");
  const bool rekor_v2 = e.version == "0.0.2" && (e.kind == "hashedrekord" || e.kind == "dsse");
  auto cp = verify_checkpoint(p.checkpoint, log, rekor_v2);
  if (!cp) return cp.error();
  if (cp->size != p.tree_size || cp->root_hash != p.root_hash)
    return std::string("the checkpoint is for another tree than the inclusion proof");
  return std::nullopt;
}

}  // namespace ocimirror::transfer::sigstore
