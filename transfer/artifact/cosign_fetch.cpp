// The I/O half of the signature gate: fetch a digest's cosign signature manifest and payloads from the source,
// then hand them to the pure check in cosign.cpp.
#include "transfer/artifact/cosign.hpp"

#include "transfer/oci/digest.hpp"
#include "transfer/registry/referrers.hpp"
#include "transfer/registry/registry.hpp"

#include <algorithm>

namespace ocimirror::transfer::cosign {

awaitable<std::optional<std::string>> verify_signed(registry_client& src, const std::string& repo,
                                                    const std::string& digest, const public_key& key,
                                                    const std::vector<std::string>* tags) {
  const auto sig_tag = referrers::cosign_tags(digest).front();
  if (tags && std::find(tags->begin(), tags->end(), sig_tag) == tags->end())
    co_return std::string("no cosign signature (" + sig_tag + ")");
  auto head = co_await src.head_manifest(repo, sig_tag);
  if (!head) co_return std::string("no cosign signature (" + sig_tag + ")");
  auto m = co_await src.get_manifest(repo, sig_tag);
  auto parsed = parse_manifest(m.bytes, m.media_type);
  if (!parsed) co_return "the signature manifest is invalid: " + parsed.error();
  std::string why = "the signature manifest holds no signed payload";
  for (const auto& layer : parsed->layers) {
    auto sig = std::find_if(layer.annotations.begin(), layer.annotations.end(),
                            [](const auto& kv) { return kv.first == signature_annotation; });
    if (sig == layer.annotations.end() || layer.size > (1u << 20)) continue;
    auto body = co_await src.get_blob(repo, layer.digest);
    const std::string payload = co_await body->read_all(1u << 20);
    if (sha256_digest(payload) != layer.digest) {
      why = "a signature payload does not match its digest";
      continue;
    }
    auto problem = check(key, payload, sig->second, digest);
    if (!problem) co_return std::nullopt;
    why = *problem;
  }
  co_return why;
}

}  // namespace ocimirror::transfer::cosign
