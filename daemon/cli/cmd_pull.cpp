// `ocimirror pull REF DIR`: a Flux artifact or a Helm chart, extracted.
#include "daemon/cli/commands.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/endpoint_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/session.hpp"
#include "transfer/artifact/artifact.hpp"
#include "transfer/artifact/unpack.hpp"
#include "transfer/copy/blob_pipe.hpp"
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/net/file_io.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>

namespace ocimirror::daemon {
namespace fs = std::filesystem;
namespace art = transfer::artifact;
using transfer::awaitable;

namespace {

constexpr const char* pull_help = R"(Usage: ocimirror pull [OPTIONS] HOST/REPO[:TAG][@DIGEST] DIR

Fetches a Flux artifact or a Helm chart and extracts its content into DIR (which must not exist or be empty): the
chart layer of a chart (helm 3.0-3.7's legacy application/tar+gzip too, with a warning), the first layer of a Flux
artifact, as flux pull takes it. The layer's digest is checked first. What flux and helm write is read: a "." root
entry, PAX headers for long or non-ASCII names, empty directories; permission bits are kept (at most 0777). Entries
that are links, devices, absolute paths or climb out with '..' are refused before anything is written, and DIR
appears only once extraction is complete. A Flux layer that is not a tar.gz (a static layer) is one file: it is
written as DIR itself.

Examples:
  ocimirror pull registry.internal/flux/deploy:main ./deploy
  ocimirror pull registry.internal/charts/web:1.2.3 ./web-chart
)";

struct chosen_layer {
  const transfer::descriptor* layer = nullptr;
  std::string kind;
};

/// What helm and flux take: a chart's content layer (or helm 3.0-3.7's legacy type), else a Flux artifact's first
/// layer (fluxcd/pkg oci/pull.go: layer index 0, a tar.gz or a static file).
chosen_layer choose_layer(const transfer::manifest& m, const std::string& ref) {
  const bool helm = m.config && m.config->media_type == art::media::helm_config;
  for (const auto& l : m.layers)
    if (l.media_type == art::media::helm_chart) return {&l, "Helm chart"};
  if (helm)
    for (const auto& l : m.layers)
      if (l.media_type == art::media::helm_chart_legacy) return {&l, "Helm chart"};
  const bool flux = (m.config && m.config->media_type == art::media::flux_config) ||
                    m.layers.front().media_type.starts_with("application/vnd.cncf.flux.content.v1");
  if (!flux) throw transfer::error(transfer::errc::bad_manifest, ref + " has no Flux content or Helm chart layer");
  return {&m.layers.front(), "Flux artifact"};
}

}  // namespace

int cmd_pull(const args& a) {
  network_flags net;
  std::vector<std::string> positional;
  std::uint64_t max_size = 100ull << 20;
  po::options_description opts("Pull");
  opts.add_options()("help,h", "show this help")(
      "max-size", size_option("max-size", max_size),
      "the most the layer may unpack to: bytes inflated, and the files' total (default 100MiB, as flux's untar)");
  opts.add(net.describe());
  const bool json = false;
  return guarded(json, [&]() -> int {
    if (parse_positional(a, opts, positional, pull_help)) return exit_ok;
    if (positional.size() != 2) throw po::error("pull needs REF and DIR");
    auto from = reference_arg(positional[0]);
    if (!from) return exit_usage;
    if (from->tag.empty() && from->digest.empty()) from->tag = "latest";
    const std::string dir = positional[1];
    if (fs::exists(dir) && !fs::is_empty(dir))
      throw transfer::error(transfer::errc::io, dir + " exists and is not empty; pull into a new directory");
    session s = session_for(net);
    std::string kind;
    std::unique_ptr<art::layer_unpacker> unpacked;
    s.run([&]() -> awaitable<void> {
      auto& c = s.client(*from);
      auto m = co_await c.get_manifest(from->repository, from->target());
      auto parsed = transfer::parse_manifest(m.bytes, m.media_type);
      if (!parsed || parsed->is_index() || parsed->layers.empty())
        throw transfer::error(transfer::errc::bad_manifest, from->str() + " is not a Flux artifact or Helm chart");
      const auto chosen = choose_layer(*parsed, from->str());
      const auto* layer = chosen.layer;
      kind = chosen.kind;
      if (layer->media_type == art::media::helm_chart_legacy)
        std::cerr << "ocimirror: warning: " << from->str() << " uses the legacy chart layer type " << layer->media_type
                  << "\n";
      transfer::registry_endpoint src(c);
      auto raw = co_await src.open_blob(from->repository, layer->digest);
      const std::string what = "layer " + layer->digest + " of " + from->str();
      auto checked = transfer::verified_source(std::move(raw), *layer, what);
      // Inflated and untarred as it arrives, under a private scratch directory beside DIR: nothing spooled, memory
      // flat. The scratch becomes DIR only after the last piece, whose arrival means the digest matched.
      unpacked = std::make_unique<art::layer_unpacker>(dir, max_size, what);
      for (;;) {
        auto piece = co_await checked();
        if (piece.empty()) break;
        unpacked->feed(std::string_view(piece.data(), piece.size()));
      }
    });
    const auto files = unpacked->commit();
    if (unpacked->single_file())  // a Flux static layer: the content is one file, written as PATH (flux pull does so)
      std::cerr << "pulled " << kind << " " << from->str() << ": its one file into " << dir << "\n";
    else
      std::cerr << "pulled " << kind << " " << from->str() << ": " << files << " files into " << dir << "\n";
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
