// Hot paths of a copy that do not touch the network: hashing blob bytes, parsing manifests and references.
#include "transfer/digest.hpp"
#include "transfer/manifest.hpp"
#include "transfer/reference.hpp"

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
