#include "tests/support/fleet.hpp"

namespace ocimirror::testing {

namespace {

std::string random_bytes(std::size_t n, std::uint64_t seed) {
  std::string s(n, '\0');
  fill_random(seed, s.data(), n);
  return s;
}

}  // namespace

std::vector<fleet_tag> seed_fleet(const seed_target& target, int repos) {
  seeder s(target);
  const std::string oci_layer = "application/vnd.oci.image.layer.v1.tar+gzip";
  const std::string docker_layer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
  std::vector<std::string> bases;
  for (std::uint64_t b = 0; b < 4; ++b) bases.push_back(random_bytes(192 * 1024, 900 + b));
  std::vector<fleet_tag> out;
  for (int r = 0; r < repos; ++r) {
    for (int t = 1; t <= 2; ++t) {
      const auto seed = static_cast<std::uint64_t>(r * 10 + t);
      const std::string tag = "v1." + std::to_string(t) + ".0";
      const std::string app = random_bytes(16 * 1024 + (seed * 7919) % (96 * 1024), seed);
      std::string repo;
      pushed p;
      switch (r % 5) {
        case 0:
        case 1: {  // OCI image over a shared base
          repo = "fleet/apps/app-" + std::to_string(r);
          p = s.image(repo, tag, {.layers = {{oci_layer, bases[r % 4]}, {oci_layer, app}}});
          break;
        }
        case 2: {  // Docker schema2
          repo = "fleet/docker/svc-" + std::to_string(r);
          p = s.image(repo, tag, {.docker = true, .layers = {{docker_layer, bases[(r + 1) % 4]}, {docker_layer, app}}});
          break;
        }
        case 3: {  // multi-arch index
          repo = "fleet/multi/img-" + std::to_string(r);
          image_spec arm{.layers = {{oci_layer, bases[3]}, {oci_layer, app.substr(app.size() / 2)}}};
          arm.config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
          auto a = s.image(repo, "", {.layers = {{oci_layer, bases[2]}, {oci_layer, app}}});
          auto b = s.image(repo, "", arm);
          p = s.index(repo, tag, {{a, "linux/amd64"}, {b, "linux/arm64"}});
          break;
        }
        default: {  // a Helm chart, or a Flux artifact
          if (r % 2) {
            repo = "fleet/charts/chart-" + std::to_string(r);
            p = s.image(repo, tag,
                        {.config_media_type = "application/vnd.cncf.helm.config.v1+json",
                         .config = R"({"apiVersion":"v2","name":"chart","version":")" + tag.substr(1) + "\"}",
                         .layers = {{"application/vnd.cncf.helm.chart.content.v1.tar+gzip", app}}});
          } else {
            repo = "fleet/flux/cluster-" + std::to_string(r);
            p = s.image(repo, tag,
                        {.config_media_type = "application/vnd.cncf.flux.config.v1+json",
                         .config = "{}",
                         .layers = {{"application/vnd.cncf.flux.content.v1.tar+gzip", app}}});
          }
        }
      }
      out.push_back({repo, tag, p.digest});
    }
  }
  return out;
}

void seed_scale(const seed_target& target, int repos, int tags) {
  seeder s(target);
  const image_spec spec{};
  for (int r = 0; r < repos; ++r) {
    const std::string repo = "scale/team-" + std::to_string(r % 10) + "/app-" + std::to_string(r);
    auto cfg = s.blob(repo, "application/vnd.oci.image.config.v1+json", spec.config);
    for (int t = 0; t < tags; ++t) {
      image_spec tagged = spec;
      tagged.annotations = {{"org.opencontainers.image.version", std::to_string(t)}};
      s.manifest(repo, "v" + std::to_string(t), seeder::image_json(tagged, cfg, {}),
                 std::string(transfer::media::oci_manifest));
    }
  }
}

}  // namespace ocimirror::testing
