#include "tests/support/bench_data.hpp"

#include "tests/support/seed.hpp"
#include "transfer/copy/parallel.hpp"

#include <chrono>
#include <map>
#include <vector>

namespace ocimirror::testing {
using transfer::awaitable;

namespace {

const std::string oci_layer = "application/vnd.oci.image.layer.v1.tar+gzip";
const std::string docker_layer = "application/vnd.docker.image.rootfs.diff.tar.gzip";

struct layer_spec {
  std::string media_type;
  std::uint64_t size, seed;
};

/// Every layer of a phase with the repositories that use it, in push order.
struct plan {
  struct image {
    std::string repo, tag, arch;
    bool docker = false;
    std::vector<layer_spec> layers;
  };
  std::vector<image> images;
  std::vector<std::pair<std::string, std::string>> indexes;  // (repo, tag): the images of repo/tag become one index
};

plan make_plan(std::uint64_t size_mib, int phase) {
  const double f = static_cast<double>(size_mib) / 700.0;
  auto mib = [&](double m) { return static_cast<std::uint64_t>(m * f * 1048576.0) + 1; };
  plan p;
  const std::string tag = phase == 0 ? "v1.0.0" : "v1.1.0";
  for (int app = 1; app <= 6; ++app) {  // multi-arch: a 100 MiB base per arch shared by all, 25 MiB of app per arch
    const std::string repo = "bench/apps/app-" + std::to_string(app);
    for (const char* arch : {"amd64", "arm64"}) {
      const std::uint64_t base_seed = arch[0] == 'a' && arch[1] == 'm' ? 11 : 12;
      p.images.push_back(
          {repo,
           tag,
           arch,
           false,
           {{oci_layer, mib(100), base_seed},
            {oci_layer, mib(phase == 0 ? 25 : 12.5), 1000u + 100u * phase + 10u * app + (arch[1] == 'm' ? 1u : 2u)}}});
    }
    p.indexes.emplace_back(repo, tag);
  }
  for (int svc = 1; svc <= 4; ++svc)  // Docker schema2: a 60 MiB shared base, 30 MiB each
    if (phase == 0)
      p.images.push_back({"bench/docker/svc-" + std::to_string(svc),
                          "2024.1",
                          "amd64",
                          true,
                          {{docker_layer, mib(60), 21}, {docker_layer, mib(30), 2000u + svc}}});
  for (int c = 1; c <= 10; ++c)  // Helm charts: three versions (one more in phase 1), about 64 KiB each
    for (int v = phase == 0 ? 0 : 3; v < (phase == 0 ? 3 : 4); ++v)
      p.images.push_back({"bench/charts/chart-" + std::to_string(c),
                          "1." + std::to_string(v) + ".0",
                          "helm",
                          false,
                          {{"application/vnd.cncf.helm.chart.content.v1.tar+gzip", 65536, 3000u + 10u * c + v}}});
  for (int k = 1; k <= 10; ++k)  // Flux artifacts: one revision per phase, about 128 KiB
    p.images.push_back({"bench/flux/cluster-" + std::to_string(k),
                        phase == 0 ? "main-1" : "main-2",
                        "flux",
                        false,
                        {{"application/vnd.cncf.flux.content.v1.tar+gzip", 131072, 4000u + 10u * k + phase}}});
  return p;
}

std::string config_for(const plan::image& im) {
  if (im.arch == "helm") {
    auto name = im.repo.substr(im.repo.rfind('/') + 1);
    return R"({"apiVersion":"v2","name":")" + name + R"(","version":")" + im.tag + "\"}";
  }
  if (im.arch == "flux") return R"({"revision":")" + im.tag + "\"}";
  return R"({"architecture":")" + im.arch + R"(","os":"linux","config":{"Labels":{"repo":")" + im.repo +
         R"("}},"rootfs":{"type":"layers","diff_ids":[]}})";
}

std::string config_type(const plan::image& im) {
  if (im.arch == "helm") return "application/vnd.cncf.helm.config.v1+json";
  if (im.arch == "flux") return "application/vnd.cncf.flux.config.v1+json";
  return im.docker ? "application/vnd.docker.container.image.v1+json" : "application/vnd.oci.image.config.v1+json";
}

}  // namespace

bench_seeded seed_bench(const std::string& registry, std::uint64_t size_mib, int phase) {
  seeder s({registry});
  bench_seeded out;
  // What release pipelines attach: a cosign signature tag on every image, an SBOM (through the referrers tag a
  // registry without the referrers API needs) on the multi-arch ones.
  auto attest = [&](const std::string& repo, const pushed& subject, bool with_sbom) {
    const std::string payload = R"({"critical":{"image":{"docker-manifest-digest":")" + subject.digest + R"("}}})";
    s.cosign_signature(repo, subject.digest, payload, "MEUCIQDbench");
    ++out.tags;
    if (!with_sbom) return;
    const std::string sbom = R"({"spdxVersion":"SPDX-2.3","name":")" + repo + R"("})";
    s.referrers_index(repo, subject, {s.sbom(repo, subject, sbom)});
    ++out.tags;
  };
  std::map<std::uint64_t, std::pair<pushed, std::string>> by_seed;  // layer seed -> (blob, a repository holding it)
  std::map<std::string, std::vector<std::pair<pushed, std::string>>> children;
  auto p = make_plan(size_mib, phase);
  std::map<std::string, bool> repos;
  for (const auto& im : p.images) {
    repos[im.repo] = true;
    std::vector<pushed> layers;
    for (const auto& l : im.layers) {
      auto it = by_seed.find(l.seed);
      if (it != by_seed.end() &&
          (it->second.second == im.repo || s.mount(im.repo, it->second.first, it->second.second))) {
        layers.push_back(it->second.first);
        continue;
      }
      auto b = s.big_blob(im.repo, l.media_type, l.size, l.seed);
      if (it == by_seed.end()) {
        out.bytes += l.size;
        ++out.blobs;
      }
      by_seed[l.seed] = {b, im.repo};
      layers.push_back(b);
    }
    image_spec spec{.docker = im.docker, .config_media_type = config_type(im), .config = config_for(im)};
    auto cfg = s.blob(im.repo, spec.config_media_type, spec.config);
    const bool in_index = im.arch == "amd64" || im.arch == "arm64";
    const bool indexed = in_index && !im.docker;
    auto m = s.manifest(im.repo, indexed ? "" : im.tag, seeder::image_json(spec, cfg, layers),
                        std::string(im.docker ? transfer::media::docker_manifest : transfer::media::oci_manifest));
    if (indexed) {
      children[im.repo + ":" + im.tag].emplace_back(m, "linux/" + im.arch);
    } else {
      ++out.tags;
      if (im.docker) attest(im.repo, m, false);
    }
  }
  for (const auto& [repo, tag] : p.indexes) {
    attest(repo, s.index(repo, tag, children[repo + ":" + tag]), true);
    ++out.tags;
  }
  out.repositories = repos.size();
  return out;
}

double ingest_bench(const std::string& registry, std::uint64_t size_mib, std::size_t parallel) {
  seeder s({registry});
  std::map<std::uint64_t, layer_spec> distinct;
  for (const auto& im : make_plan(size_mib, 0).images)
    for (const auto& l : im.layers) distinct.emplace(l.seed, l);
  // Digests first (not timed), then the uploads (timed): only the registry's ingest is measured.
  struct job {
    layer_spec l;
    std::string digest;
  };
  std::vector<job> jobs;
  for (const auto& [seed, l] : distinct) jobs.push_back({l, random_digest(l.size, seed)});
  auto& c = s.session().client(transfer::reference{registry, "ingest/raw", {}, {}});
  const auto start = std::chrono::steady_clock::now();
  s.session().run([&]() -> awaitable<void> {
    co_await transfer::for_each_parallel(jobs.size(), parallel, [&](std::size_t i) -> awaitable<void> {
      const auto& j = jobs[i];
      std::vector<char> buf(256u << 10);
      std::uint64_t st = j.l.seed | 1, done = 0;
      transfer::http_client::chunk_source next = [&]() -> awaitable<std::span<const char>> {
        auto n = static_cast<std::size_t>(std::min<std::uint64_t>(buf.size(), j.l.size - done));
        fill_random(st, buf.data(), n);
        done += n;
        co_return std::span<const char>(buf.data(), n);
      };
      co_await c.push_blob("ingest/raw", j.digest, j.l.size, next, {});
    });
  });
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace ocimirror::testing
