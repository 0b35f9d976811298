#include "tests/support/seed.hpp"
#include "daemon/cli/flags.hpp"

#include "transfer/oci/digest.hpp"
#include "transfer/registry/referrers.hpp"

#include <boost/json.hpp>

namespace ocimirror::testing {
namespace json = boost::json;
using transfer::awaitable;

void fill_random(std::uint64_t& x, char* out, std::size_t n) {
  for (std::size_t i = 0; i < n; i += 8) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    for (std::size_t j = 0; j < 8 && i + j < n; ++j) out[i + j] = static_cast<char>(x >> (8 * j));
  }
}

seeder::seeder(seed_target t) : t_(std::move(t)) {
  daemon::network_flags f;
  if (t_.plain_http) f.plain_http = true;
  if (!t_.ca_file.empty()) f.ca_files.push_back(t_.ca_file);
  auto creds = t_.creds;
  s_ = std::make_unique<daemon::session>(f.settings(), f.limits, [creds](const std::string&) { return creds; });
}
seeder::~seeder() = default;

transfer::reference seeder::ref(const std::string& repo) const {
  return transfer::reference{t_.registry, repo, {}, {}};
}

pushed seeder::blob(const std::string& repo, const std::string& media_type, const std::string& bytes) {
  pushed p{transfer::sha256_digest(bytes), media_type, bytes.size()};
  auto& c = s_->client(ref(repo));
  s_->run([&]() -> awaitable<void> {
    bool sent = false;
    transfer::http_client::chunk_source next = [&]() -> awaitable<std::span<const char>> {
      if (sent) co_return std::span<const char>{};
      sent = true;
      co_return std::span<const char>(bytes.data(), bytes.size());
    };
    co_await c.push_blob(repo, p.digest, p.size, next, {});
  });
  return p;
}

std::string random_digest(std::uint64_t size, std::uint64_t seed) {
  std::vector<char> buf(1 << 20);
  transfer::sha256 h;
  std::uint64_t state = seed | 1;
  for (std::uint64_t done = 0; done < size;) {
    auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - done));
    fill_random(state, buf.data(), n);
    h.update(std::as_bytes(std::span(buf.data(), n)));
    done += n;
  }
  return h.finish();
}

pushed seeder::big_blob(const std::string& repo, const std::string& media_type, std::uint64_t size,
                        std::uint64_t seed) {
  std::vector<char> buf(1 << 20);
  pushed p{random_digest(size, seed), media_type, size};
  auto& c = s_->client(ref(repo));
  s_->run([&]() -> awaitable<void> {
    std::uint64_t st = seed | 1, done = 0;
    transfer::http_client::chunk_source next = [&]() -> awaitable<std::span<const char>> {
      auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), size - done));
      fill_random(st, buf.data(), n);
      done += n;
      co_return std::span<const char>(buf.data(), n);
    };
    transfer::upload_options big;
    big.monolithic_max = 0;  // exercise the streamed PATCH path
    co_await c.push_blob(repo, p.digest, p.size, next, big);
  });
  return p;
}

bool seeder::mount(const std::string& repo, const pushed& b, const std::string& from_repo) {
  auto& c = s_->client(ref(repo));
  bool ok = false;
  s_->run([&]() -> awaitable<void> { ok = (co_await c.mount_blob(repo, b.digest, from_repo)).mounted; });
  return ok;
}

pushed seeder::manifest(const std::string& repo, const std::string& tag, const std::string& bytes,
                        const std::string& media_type) {
  pushed p{transfer::sha256_digest(bytes), media_type, bytes.size()};
  auto& c = s_->client(ref(repo));
  s_->run([&]() -> awaitable<void> { co_await c.put_manifest(repo, tag.empty() ? p.digest : tag, bytes, media_type); });
  return p;
}

namespace {
json::object desc_json(const pushed& p) {
  return json::object{{"mediaType", p.media_type}, {"digest", p.digest}, {"size", p.size}};
}
json::object annotations_json(const transfer::annotations& a) {
  json::object o;
  for (const auto& [k, v] : a) o[k] = v;
  return o;
}
}  // namespace

std::string seeder::image_json(const image_spec& spec, const pushed& config, const std::vector<pushed>& layers) {
  json::object m{{"schemaVersion", 2},
                 {"mediaType", spec.docker ? transfer::media::docker_manifest : transfer::media::oci_manifest}};
  if (!spec.artifact_type.empty()) m["artifactType"] = spec.artifact_type;
  m["config"] = desc_json(config);
  json::array ls;
  for (const auto& l : layers) ls.push_back(desc_json(l));
  m["layers"] = std::move(ls);
  if (!spec.annotations.empty()) m["annotations"] = annotations_json(spec.annotations);
  return json::serialize(m);
}

pushed seeder::image(const std::string& repo, const std::string& tag, const image_spec& spec) {
  std::string cfg_type = spec.config_media_type;
  if (cfg_type.empty())
    cfg_type =
        spec.docker ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json";
  auto config = blob(repo, cfg_type, spec.config);
  std::vector<pushed> layers;
  for (const auto& [type, bytes] : spec.layers) layers.push_back(blob(repo, type, bytes));
  return manifest(repo, tag, image_json(spec, config, layers),
                  std::string(spec.docker ? transfer::media::docker_manifest : transfer::media::oci_manifest));
}

pushed seeder::index(const std::string& repo, const std::string& tag,
                     const std::vector<std::pair<pushed, std::string>>& children, bool docker) {
  json::object idx{{"schemaVersion", 2},
                   {"mediaType", docker ? transfer::media::docker_list : transfer::media::oci_index}};
  json::array ms;
  for (const auto& [child, plat] : children) {
    auto d = desc_json(child);
    auto first = plat.find('/'), second = plat.find('/', first + 1);
    json::object p{
        {"architecture", plat.substr(first + 1, second == std::string::npos ? std::string::npos : second - first - 1)},
        {"os", plat.substr(0, first)}};
    if (second != std::string::npos) p["variant"] = plat.substr(second + 1);
    d["platform"] = std::move(p);
    ms.push_back(std::move(d));
  }
  idx["manifests"] = std::move(ms);
  return manifest(repo, tag, json::serialize(idx),
                  std::string(docker ? transfer::media::docker_list : transfer::media::oci_index));
}

namespace {
const std::string spdx = "application/spdx+json";
const std::string created = "2026-11-23T00:00:00Z";
}  // namespace

pushed seeder::sbom(const std::string& repo, const pushed& subject, const std::string& content) {
  auto cfg = blob(repo, "application/vnd.oci.empty.v1+json", "{}");
  auto layer = blob(repo, spdx, content);
  json::object m{{"schemaVersion", 2},
                 {"mediaType", transfer::media::oci_manifest},
                 {"artifactType", spdx},
                 {"config", desc_json(cfg)},
                 {"layers", json::array{desc_json(layer)}},
                 {"subject", desc_json(subject)},
                 {"annotations", {{"org.opencontainers.image.created", created}}}};
  return manifest(repo, "", json::serialize(m), std::string(transfer::media::oci_manifest));
}

pushed seeder::referrers_index(const std::string& repo, const pushed& subject, const std::vector<pushed>& referrers) {
  std::string index;
  for (const auto& r : referrers) {
    transfer::descriptor d;
    d.media_type = transfer::media::oci_manifest;
    d.digest = r.digest;
    d.size = r.size;
    d.artifact_type = spdx;
    d.annotations = {{"org.opencontainers.image.created", created}};
    index = transfer::referrers::merge_fallback(index, d);
  }
  return manifest(repo, transfer::referrers::fallback_tag(subject.digest), index,
                  std::string(transfer::media::oci_index));
}

pushed seeder::cosign_signature(const std::string& repo, const std::string& subject_digest, const std::string& payload,
                                const std::string& signature) {
  return cosign_signature(repo, subject_digest, payload, {{"dev.cosignproject.cosign/signature", signature}});
}

pushed seeder::cosign_signature(const std::string& repo, const std::string& subject_digest, const std::string& payload,
                                const transfer::annotations& annotations) {
  auto cfg = blob(repo, "application/vnd.oci.image.config.v1+json", "{}");
  auto layer = blob(repo, "application/vnd.dev.cosign.simplesigning.v1+json", payload);
  auto l = desc_json(layer);
  json::object notes;
  for (const auto& [k, v] : annotations) notes[k] = v;
  l["annotations"] = std::move(notes);
  json::object m{{"schemaVersion", 2},
                 {"mediaType", transfer::media::oci_manifest},
                 {"config", desc_json(cfg)},
                 {"layers", json::array{std::move(l)}}};
  return manifest(repo, transfer::referrers::cosign_tags(subject_digest)[0], json::serialize(m),
                  std::string(transfer::media::oci_manifest));
}

}  // namespace ocimirror::testing
