// ocimirror-testkit: seeds registries and runs test-kit helpers for the demo and the benchmarks.
//   seed-demo HOST:PORT                  a multi-arch image, a Helm chart and a Flux artifact
//   seed-blob HOST:PORT/REPO:TAG MIB [SEED]   a single-layer image with one MIB-sized random layer
//   seed-bench HOST:PORT MIB PHASE       the benchmark data set (phase 0 cold, 1 the increment)
//   ingest HOST:PORT MIB PARALLEL        the registry's raw ingest of the data set's blobs; prints seconds
//   seed-fleet HOST:PORT REPOS           the reliability data set: REPOS repositories of two tags each
//   seed-scale HOST:PORT REPOS TAGS      the planning-scale data set: REPOS repositories of TAGS tiny tags each
//   fault-proxy HOST:PORT RATE SEED      a chaos proxy in front of HOST:PORT
//   delay HOST:PORT RTT_MS               a wide-area link (RTT_MS round trips) in front of HOST:PORT
// The two helpers print their own HOST:PORT, run until SIGTERM or SIGINT, then print what they did.
#include "tests/support/bench_data.hpp"
#include "tests/support/delay_link.hpp"
#include "tests/support/fault_proxy.hpp"
#include "tests/support/fleet.hpp"
#include "tests/support/seed.hpp"

#include <csignal>
#include <iostream>

using namespace ocimirror::testing;

namespace {

/// SIGTERM and SIGINT blocked before a helper's threads start, so only sigwait takes them.
sigset_t block_stop_signals() {
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGTERM);
  sigaddset(&stop, SIGINT);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  return stop;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    std::string cmd = argc > 1 ? argv[1] : "";
    if (cmd == "seed-demo" && argc == 3) {
      seeder s({argv[2]});
      image_spec amd, arm;
      amd.layers = {{"application/vnd.oci.image.layer.v1.tar+gzip", std::string(200000, 'a')}};
      arm.layers = {{"application/vnd.oci.image.layer.v1.tar+gzip", std::string(200000, 'r')}};
      arm.config = R"({"architecture":"arm64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})";
      auto a = s.image("demo/app", "", amd);
      auto r = s.image("demo/app", "", arm);
      auto idx = s.index("demo/app", "v1.0.0", {{a, "linux/amd64"}, {r, "linux/arm64"}});
      image_spec chart;
      chart.config_media_type = "application/vnd.cncf.helm.config.v1+json";
      chart.config = R"({"apiVersion":"v2","name":"web","version":"1.2.3"})";
      chart.layers = {{"application/vnd.cncf.helm.chart.content.v1.tar+gzip", "chart-bytes"}};
      s.image("demo/charts/web", "1.2.3", chart);
      image_spec flux;
      flux.config_media_type = "application/vnd.cncf.flux.config.v1+json";
      flux.config = "{}";
      flux.layers = {{"application/vnd.cncf.flux.content.v1.tar+gzip", "manifests-bytes"}};
      flux.annotations = {{"org.opencontainers.image.source", "https://example.com/acme/deploy"},
                          {"org.opencontainers.image.revision", "main@sha1:0123456789abcdef"}};
      s.image("demo/deploy/manifests", "main", flux);
      std::cout << argv[2] << "/demo/app:v1.0.0 " << idx.digest << "\n";
      return 0;
    }
    if (cmd == "seed-blob" && (argc == 4 || argc == 5)) {
      auto ref = ocimirror::transfer::parse_reference(argv[2]);
      if (!ref) throw std::runtime_error(ref.error().what);
      seeder s({ref->registry});
      auto layer = s.big_blob(ref->repository, "application/vnd.oci.image.layer.v1.tar", std::stoull(argv[3]) << 20,
                              argc == 5 ? std::stoull(argv[4]) : 42);
      auto cfg = s.blob(ref->repository, "application/vnd.oci.image.config.v1+json",
                        R"({"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}})");
      auto m = s.manifest(ref->repository, ref->tag, seeder::image_json({}, cfg, {layer}),
                          std::string(ocimirror::transfer::media::oci_manifest));
      std::cout << m.digest << "\n";
      return 0;
    }
    if (cmd == "seed-bench" && argc == 5) {
      auto r = seed_bench(argv[2], std::stoull(argv[3]), std::stoi(argv[4]));
      std::cout << r.bytes << " bytes in " << r.blobs << " distinct blobs, " << r.tags << " tags in " << r.repositories
                << " repositories\n";
      return 0;
    }
    if (cmd == "ingest" && argc == 5) {
      std::cout << ingest_bench(argv[2], std::stoull(argv[3]), std::stoull(argv[4])) << "\n";
      return 0;
    }
    if (cmd == "seed-fleet" && argc == 4) {
      auto tags = seed_fleet({argv[2]}, std::stoi(argv[3]));
      std::cout << tags.size() << " tags in " << argv[3] << " repositories under fleet/\n";
      return 0;
    }
    if (cmd == "seed-scale" && argc == 5) {
      seed_scale({argv[2]}, std::stoi(argv[3]), std::stoi(argv[4]));
      std::cout << std::stoi(argv[3]) * std::stoi(argv[4]) << " tags in " << argv[3] << " repositories under scale/\n";
      return 0;
    }
    if (cmd == "fault-proxy" && argc == 5) {
      const std::string up = argv[2];
      auto stop = block_stop_signals();
      fault_proxy proxy(up.substr(0, up.rfind(':')), up.substr(up.rfind(':') + 1),
                        chaos_settings{.seed = std::stoull(argv[4]), .rate = std::stod(argv[3])});
      std::cout << proxy.host() << std::endl;
      int sig = 0;
      sigwait(&stop, &sig);
      std::cerr << proxy.requests() << " requests, " << proxy.faults() << " faulted: " << proxy.fault_summary() << "\n";
      return 0;
    }
    if (cmd == "delay" && argc == 4) {
      const std::string up = argv[2];
      auto stop = block_stop_signals();
      delay_link link(up.substr(0, up.rfind(':')), up.substr(up.rfind(':') + 1),
                      std::chrono::milliseconds(std::stoi(argv[3])));
      std::cout << link.host() << std::endl;
      int sig = 0;
      sigwait(&stop, &sig);
      std::cerr << link.connections() << " connections, " << link.bytes() << " bytes relayed\n";
      return 0;
    }
    std::cerr << "usage: ocimirror-testkit seed-demo HOST:PORT | seed-blob HOST:PORT/REPO:TAG MIB [SEED] |\n"
                 "                         seed-bench HOST:PORT MIB PHASE | ingest HOST:PORT MIB PARALLEL |\n"
                 "                         seed-fleet HOST:PORT REPOS | seed-scale HOST:PORT REPOS TAGS |\n"
                 "                         fault-proxy HOST:PORT RATE SEED |\n"
                 "                         delay HOST:PORT RTT_MS\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "ocimirror-testkit: " << e.what() << "\n";
    return 1;
  }
}
