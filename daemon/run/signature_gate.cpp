#include "daemon/run/signature_gate.hpp"

#include "transfer/oci/digest.hpp"
#include "transfer/oci/manifest.hpp"
#include "transfer/registry/referrers.hpp"
#include "transfer/registry/registry.hpp"

#include <algorithm>
#include <ctime>

namespace ocimirror::daemon {

using transfer::awaitable;
using transfer::descriptor;
namespace sigstore = transfer::sigstore;

bool is_sigstore_bundle_type(std::string_view type) {
  return type.starts_with("application/vnd.dev.sigstore.bundle+json") ||
         (type.starts_with("application/vnd.dev.sigstore.bundle.v0.") && type.ends_with("+json"));
}

namespace {

constexpr std::size_t most_candidates = 32;               // signatures (layers, bundles) looked at per image
constexpr std::size_t most_bytes = std::size_t(1) << 20;  // one payload or bundle

/// How telling a refusal is, to report the best one when none verifies.
int weight(sigstore::refusal r) {
  switch (r) {
    case sigstore::refusal::none:
      return 9;
    case sigstore::refusal::identity:
      return 5;
    case sigstore::refusal::no_signature:
      return 0;
    case sigstore::refusal::malformed:
      return 1;
    case sigstore::refusal::artifact:
      return 2;
    default:
      return 4;  // key, certificate, time, log entry, signature
  }
}

bool listed(const std::vector<std::string>* tags, const std::string& tag) {
  return !tags || std::find(tags->begin(), tags->end(), tag) != tags->end();
}

/// The digest's referrers: the registry's API where it has one, else the fallback tag's index.
awaitable<std::vector<descriptor>> referrers_of(transfer::endpoint& src, const std::string& repo,
                                                const std::string& digest, const std::vector<std::string>* tags) {
  if (auto* reg = src.registry(); reg && reg->profile().referrers_api)
    if (auto via_api = co_await reg->referrers(repo, digest)) co_return *via_api;
  const auto fallback = transfer::referrers::fallback_tag(digest);
  if (!listed(tags, fallback)) co_return std::vector<descriptor>{};
  auto head = co_await src.head_manifest(repo, fallback);
  if (!head || head->digest == digest) co_return std::vector<descriptor>{};  // GitLab: the tag is the subject itself
  auto m = co_await src.get_manifest(repo, fallback);
  auto list = transfer::referrers::parse_index(m.bytes);
  co_return list ? *list : std::vector<descriptor>{};
}

/// A candidate that is not there or not what it claims to be (a dangling referrer, a blob of another digest) is
/// a refusal of that candidate, and the search goes on; a registry that cannot be reached fails the tag as always.
bool candidate_fault(const transfer::error& e) {
  using transfer::errc;
  return e.code() == errc::not_found || e.code() == errc::bad_manifest || e.code() == errc::digest_mismatch ||
         e.code() == errc::too_large;
}

/// A small blob, whole and checked against its digest; nullopt when it is missing, larger than a signature can be,
/// or not its digest (candidate_fault): a refusal of that candidate. Other failures (the registry unreachable) throw.
awaitable<std::optional<std::string>> read_small(transfer::endpoint& src, const std::string& repo,
                                                 const descriptor& d) {
  if (d.size > most_bytes || !transfer::is_valid_digest(d.digest)) co_return std::nullopt;
  std::string out;
  try {
    auto next = co_await src.open_blob(repo, d.digest);
    for (;;) {
      auto piece = co_await next();
      if (piece.empty()) break;
      if (out.size() + piece.size() > most_bytes) co_return std::nullopt;
      out.append(piece.data(), piece.size());
    }
  } catch (const transfer::error& e) {
    if (!candidate_fault(e)) throw;
    co_return std::nullopt;
  }
  if (transfer::sha256_digest(out) != d.digest) co_return std::nullopt;
  co_return out;
}

struct search {
  transfer::endpoint& src;
  const std::string& repo;
  const std::string& digest;
  const sigstore::trust& t;
  std::int64_t now = std::time(nullptr);
  std::size_t looked = 0;  ///< manifests and blobs fetched: at most most_candidates
  sigstore::verdict best;

  void keep(sigstore::verdict v) {
    if (weight(v.why) > weight(best.why)) best = std::move(v);
  }
  bool spent() { return ++looked > most_candidates; }

  /// cosign's `.sig` tag: each layer a simple-signing payload with its signature and certificate in annotations.
  awaitable<void> cosign_tag(const std::vector<std::string>* tags) {
    const auto tag = transfer::referrers::cosign_tags(digest).front();
    if (!listed(tags, tag)) co_return;
    const auto head = co_await src.head_manifest(repo, tag);
    if (!head) co_return;
    auto m = co_await src.get_manifest(repo, tag);
    auto parsed = transfer::parse_manifest(m.bytes, m.media_type);
    if (!parsed) {
      keep(sigstore::refused(sigstore::refusal::malformed, "the signature manifest " + tag + " is invalid"));
      co_return;
    }
    for (const auto& layer : parsed->layers) {
      const bool signed_layer = std::any_of(layer.annotations.begin(), layer.annotations.end(), [](const auto& kv) {
        return kv.first == "dev.cosignproject.cosign/signature";
      });
      if (!signed_layer || spent()) continue;
      const auto payload = co_await read_small(src, repo, layer);
      if (!payload) {
        keep(sigstore::refused(sigstore::refusal::malformed,
                               "a signature payload in " + tag + " is missing, too large or not its digest"));
        continue;
      }
      keep(sigstore::verify_cosign(*payload, layer.annotations, digest, t, now));
      if (best) co_return;
    }
  }

  /// One referrer that may hold a Sigstore bundle (cosign 3's default): a manifest whose layer is the bundle.
  awaitable<void> bundle(const descriptor& d) {
    std::optional<transfer::manifest> parsed;
    try {
      auto m = co_await src.get_manifest(repo, d.digest);
      if (auto p = transfer::parse_manifest(m.bytes, m.media_type)) parsed = std::move(*p);
    } catch (const transfer::error& e) {
      if (!candidate_fault(e)) throw;
    }
    if (!parsed) {
      keep(sigstore::refused(sigstore::refusal::malformed,
                             "the Sigstore bundle referrer " + d.digest + " is missing or invalid"));
      co_return;
    }
    for (const auto& layer : parsed->layers) {
      if (!is_sigstore_bundle_type(layer.media_type) || spent()) continue;
      const auto json = co_await read_small(src, repo, layer);
      if (!json) {
        keep(sigstore::refused(sigstore::refusal::malformed,
                               "a Sigstore bundle of " + digest + " is missing, too large or not its digest"));
        continue;
      }
      keep(sigstore::verify_image_bundle(*json, digest, t, now));
      if (best) co_return;
    }
  }

  awaitable<void> bundles(const std::vector<std::string>* tags) {
    const auto found = co_await referrers_of(src, repo, digest, tags);  // named: GCC 12 and co_await temporaries
    for (const auto& d : found) {
      if (!is_sigstore_bundle_type(d.artifact_type) || !transfer::is_valid_digest(d.digest) || spent()) continue;
      co_await bundle(d);
      if (best) co_return;
    }
  }
};

}  // namespace

awaitable<sigstore::verdict> find_trusted_signature(transfer::endpoint& src, const std::string& repo,
                                                    const std::string& digest, const sigstore::trust& t,
                                                    const std::vector<std::string>* tags) {
  search s{src, repo, digest, t, std::time(nullptr), 0, {}};
  s.best = sigstore::refused(sigstore::refusal::no_signature, "no cosign signature tag (" +
                                                                  transfer::referrers::cosign_tags(digest).front() +
                                                                  ") and no Sigstore bundle among its referrers");
  co_await s.cosign_tag(tags);
  if (!s.best) co_await s.bundles(tags);
  co_return s.best;
}

}  // namespace ocimirror::daemon
