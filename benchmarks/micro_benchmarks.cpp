// Hot paths of a copy that do not touch the network: hashing blob bytes, parsing manifests and references.
#include "policy/plan.hpp"
#include "policy/select.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/manifest.hpp"
#include "transfer/oci/reference.hpp"

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

namespace {
using namespace ocimirror::transfer;

void sha256_stream(benchmark::State& state) {
  std::vector<char> buf(static_cast<std::size_t>(state.range(0)), 'x');
  for (auto _ : state) {
    sha256 h;
    for (int i = 0; i < 16; ++i) h.update(std::as_bytes(std::span(buf)));
    benchmark::DoNotOptimize(h.finish());
  }
  state.SetBytesProcessed(state.iterations() * 16 * state.range(0));
}
BENCHMARK(sha256_stream)->Arg(64 << 10)->Arg(256 << 10);

std::string index_json(int children) {
  std::string s = R"({"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[)";
  for (int i = 0; i < children; ++i)
    s += std::string(i ? "," : "") + R"({"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:)" +
         std::string(64, 'a') + R"(","size":1234,"platform":{"os":"linux","architecture":"amd64"}})";
  return s + "]}";
}

void parse_index(benchmark::State& state) {
  const auto doc = index_json(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(parse_manifest(doc, ""));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(doc.size()));
}
BENCHMARK(parse_index)->Arg(2)->Arg(64);

void parse_reference_bench(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_reference("registry.example.com:5000/team/app/api:v1.2.3"));
}
BENCHMARK(parse_reference_bench);

}  // namespace

// Planning one repository: 2000 tags through include/exclude regexes, a semver range and latest-20.
static void select_tags_bench(benchmark::State& state) {
  std::vector<std::string> tags;
  for (int major = 0; major < 10; ++major)
    for (int minor = 0; minor < 20; ++minor)
      for (int patch = 0; patch < 10; ++patch)
        tags.push_back("v" + std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch) +
                       (patch == 9 ? "-rc.1" : ""));
  ocimirror::policy::tag_rules rules;
  rules.include.emplace_back(R"(^v\d+\.\d+\.\d+)");
  rules.exclude.emplace_back("-rc");
  rules.range = *ocimirror::policy::semver_range::parse(">=1.2.0 <8");
  rules.latest = 20;
  for (auto _ : state) benchmark::DoNotOptimize(ocimirror::policy::select_tags(tags, rules));
  state.SetItemsProcessed(state.iterations() * static_cast<long>(tags.size()));
}
BENCHMARK(select_tags_bench);

// The per-tag decision of a plan.
static void decide_bench(benchmark::State& state) {
  ocimirror::policy::tag_facts f{.source_digest = "sha256:" + std::string(64, 'a'),
                                 .destination_digest = "sha256:" + std::string(64, 'b'),
                                 .last_mirrored = std::pair<std::string, std::string>{
                                     "sha256:" + std::string(64, 'a'), "sha256:" + std::string(64, 'b')}};
  for (auto _ : state) benchmark::DoNotOptimize(ocimirror::policy::decide(f, true));
}
BENCHMARK(decide_bench);
