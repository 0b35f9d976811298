// `ocimirror push DIR REF --source URL --revision REV`, `ocimirror push --helm CHART.tgz REPO`, `ocimirror pull REF DIR`.
#include "daemon/commands.hpp"
#include "daemon/session.hpp"
#include "transfer/artifact.hpp"
#include "transfer/digest.hpp"
#include "transfer/copy_graph.hpp"
#include "transfer/file_io.hpp"
#include "transfer/tar.hpp"

#include <boost/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <iostream>

namespace ocimirror::daemon {
namespace fs = std::filesystem;
namespace art = transfer::artifact;
using transfer::awaitable;

namespace {

constexpr const char* push_help = R"(Usage: ocimirror push [OPTIONS] DIR HOST/REPO:TAG --source URL --revision REV
       ocimirror push [OPTIONS] --helm CHART.tgz HOST/REPO

The first form packs DIR (Kubernetes manifests, a Kustomize overlay, OPA policies...) as a Flux artifact: a
reproducible tar.gz (entries sorted, times, owners and modes fixed; symlinks refused) with the media types and the
org.opencontainers.image.{source,revision,created} annotations `flux push artifact` writes, so a Flux
OCIRepository consumes it. The same DIR and flags always give the same digest: created is --created, else
$SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z.

The second form pushes a packaged Helm chart as `helm push` does: name and version from its Chart.yaml, Helm's
media types, pushed to HOST/REPO/NAME:VERSION ('+' in the version becomes '_'), so `helm pull oci://HOST/REPO/NAME`
works.

Blobs go first, the manifest last. Prints the manifest digest. Registry options and credentials are copy's.

Examples:
  ocimirror push ./deploy registry.internal/flux/deploy:main --source https://git.example/acme/deploy --revision main@sha1:4f2c1a9
  ocimirror push --helm web-1.2.3.tgz registry.internal/charts
)";

constexpr const char* pull_help = R"(Usage: ocimirror pull [OPTIONS] HOST/REPO[:TAG][@DIGEST] DIR

Fetches a Flux artifact or a Helm chart and extracts its content into DIR (which must not exist or be empty). The
layer's digest is checked first; entries that are links, devices, absolute paths or climb out with '..' are
refused before anything is written, and DIR appears only once extraction is complete.

Examples:
  ocimirror pull registry.internal/flux/deploy:main ./deploy
  ocimirror pull registry.internal/charts/web:1.2.3 ./web-chart
)";

std::string created_default() {
  std::time_t t = 0;
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) t = static_cast<std::time_t>(std::strtoll(sde, nullptr, 10));
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

/// Chart.yaml inside a chart .tgz: <name>/Chart.yaml, as JSON for the config blob, with name, version, description.
struct chart_meta {
  std::string name, version, description, json;
};
chart_meta read_chart(const std::string& tgz_path) {
  const auto scratch = fs::temp_directory_path() / ("ocimirror-chart-" + std::to_string(::getpid()));
  struct cleanup {
    fs::path p;
    ~cleanup() {
      std::error_code ec;
      fs::remove(p, ec);
    }
  } gone{scratch};
  art::gunzip_file(tgz_path, scratch.string(), 256u << 20);
  const auto members = transfer::tar::index::scan(scratch.string());
  const transfer::tar::member* chart = nullptr;
  for (const auto& [name, m] : members.files) {
    auto slash = name.find('/');
    if (slash != std::string::npos && name.substr(slash + 1) == "Chart.yaml" && (!chart)) chart = &m;
  }
  if (!chart) throw transfer::error(transfer::errc::bad_archive, tgz_path + " is not a Helm chart: no <name>/Chart.yaml inside");
  std::string text(chart->size, '\0');
  transfer::file::fd f(transfer::file::open_or_throw(scratch.string(), O_RDONLY));
  transfer::file::pread_all(f.n, text.data(), text.size(), chart->offset, scratch.string());
  YAML::Node y;
  try {
    y = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw transfer::error(transfer::errc::bad_archive, tgz_path + ": Chart.yaml:" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  chart_meta c;
  boost::json::object o;
  for (const auto& kv : y) {
    if (!kv.second.IsScalar()) continue;  // helm's config carries the scalar metadata; lists are not needed to pull
    o[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  auto field = [&](const char* k) { return o.contains(k) ? std::string(o.at(k).as_string()) : std::string(); };
  c.name = field("name");
  c.version = field("version");
  c.description = field("description");
  if (c.name.empty() || c.version.empty())
    throw transfer::error(transfer::errc::bad_archive, tgz_path + ": Chart.yaml needs name and version");
  c.json = boost::json::serialize(o);
  return c;
}

awaitable<void> push_built(transfer::registry_client& c, const transfer::reference& to, const art::built& b) {
  for (const auto* blob : {&b.config, &b.layer}) {
    if (co_await c.blob_size(to.repository, blob->digest)) continue;
    bool sent = false;
    transfer::http_client::chunk_source once = [&]() -> awaitable<std::span<const char>> {
      co_return std::exchange(sent, true) ? std::span<const char>() : std::span<const char>(blob->bytes.data(), blob->bytes.size());
    };
    co_await c.push_blob(to.repository, blob->digest, blob->bytes.size(), once, {});
  }
  co_await c.put_manifest(to.repository, to.tag, b.manifest, std::string(transfer::media::oci_manifest));
}

}  // namespace

int cmd_push(const args& a) {
  network_flags net;
  std::string source, revision, created, helm;
  std::vector<std::string> annotations, positional;
  po::options_description opts("Push");
  opts.add_options()
    ("help,h", "show this help")
    ("source", po::value(&source), "Flux: where the content comes from (org.opencontainers.image.source), e.g. the Git URL")
    ("revision", po::value(&revision), "Flux: its revision (org.opencontainers.image.revision), e.g. main@sha1:<commit>")
    ("created", po::value(&created), "Flux: org.opencontainers.image.created (RFC 3339); default $SOURCE_DATE_EPOCH or the epoch")
    ("annotation,a", po::value(&annotations)->composing(), "Flux: another manifest annotation KEY=VALUE (repeatable)")
    ("helm", po::value(&helm), "push this packaged chart (.tgz) instead of a directory");
  opts.add(net.describe());
  const bool json = false;
  return guarded(json, [&]() -> int {
    if (parse_positional(a, opts, positional, push_help)) return exit_ok;
    art::built b;
    std::optional<transfer::reference> to;
    if (!helm.empty()) {
      if (positional.size() != 1) throw po::error("push --helm needs CHART.tgz and one HOST/REPO");
      auto repo = reference_arg(positional[0], true);
      if (!repo) return exit_usage;
      const auto meta = read_chart(helm);
      b = art::helm(transfer::file::read_file(helm, std::size_t(1) << 30), meta.name, meta.version, meta.json, meta.description);
      to = *repo;
      to->repository += "/" + meta.name;
      to->tag = b.tag;
    } else {
      if (positional.size() != 2) throw po::error("push needs DIR and HOST/REPO:TAG");
      if (source.empty() || revision.empty()) throw po::error("push DIR needs --source and --revision (Flux reads them)");
      to = reference_arg(positional[1]);
      if (!to) return exit_usage;
      if (to->tag.empty()) throw po::error("name the tag to push to: " + positional[1] + ":TAG");
      std::vector<std::pair<std::string, std::string>> extra;
      for (const auto& kv : annotations) {
        auto eq = kv.find('=');
        if (eq == std::string::npos || eq == 0) throw po::error("--annotation wants KEY=VALUE, not '" + kv + "'");
        extra.emplace_back(kv.substr(0, eq), kv.substr(eq + 1));
      }
      b = art::flux(art::gzip(art::tar_directory(positional[0])), source, revision, created.empty() ? created_default() : created, extra);
    }
    session s(net);
    s.run([&]() -> awaitable<void> { co_await push_built(s.client(*to), *to, b); });
    std::cout << transfer::sha256_digest(b.manifest) << "\n";
    std::cerr << "pushed " << to->str() << " (" << human_bytes(b.layer.bytes.size()) << " layer)\n";
    return exit_ok;
  });
}

int cmd_pull(const args& a) {
  network_flags net;
  std::vector<std::string> positional;
  po::options_description opts("Pull");
  opts.add_options()("help,h", "show this help");
  opts.add(net.describe());
  const bool json = false;
  return guarded(json, [&]() -> int {
    if (parse_positional(a, opts, positional, pull_help)) return exit_ok;
    if (positional.size() != 2) throw po::error("pull needs REF and DIR");
    auto from = reference_arg(positional[0]);
    if (!from) return exit_usage;
    if (from->tag.empty() && from->digest.empty()) from->tag = "latest";
    const std::string dir = positional[1];
    if (fs::exists(dir) && !fs::is_empty(dir)) throw transfer::error(transfer::errc::io, dir + " exists and is not empty; pull into a new directory");
    const std::string tgz = dir + ".layer-" + std::to_string(::getpid()), tarball = tgz + ".tar";
    struct cleanup {
      std::vector<std::string> paths;
      ~cleanup() {
        std::error_code ec;
        for (const auto& p : paths) fs::remove(p, ec);
      }
    } gone{{tgz, tarball}};
    session s(net);
    std::string kind;
    s.run([&]() -> awaitable<void> {
      auto& c = s.client(*from);
      auto m = co_await c.get_manifest(from->repository, from->target());
      auto parsed = transfer::parse_manifest(m.bytes, m.media_type);
      if (!parsed || parsed->is_index() || parsed->layers.empty())
        throw transfer::error(transfer::errc::bad_manifest, from->str() + " is not a Flux artifact or Helm chart");
      const transfer::descriptor* layer = nullptr;
      for (const auto& l : parsed->layers)
        if (l.media_type == art::media::flux_content || l.media_type == art::media::helm_chart) layer = &l;
      const bool helm_config = parsed->config && parsed->config->media_type == art::media::helm_config;
      if (!layer && helm_config)  // a chart helm 3.0-3.7 pushed: helm still reads its legacy layer type
        for (const auto& l : parsed->layers)
          if (l.media_type == art::media::helm_chart_legacy) layer = &l;
      if (!layer) throw transfer::error(transfer::errc::bad_manifest, from->str() + " has no Flux content or Helm chart layer");
      kind = layer->media_type == art::media::flux_content ? "Flux artifact" : "Helm chart";
      if (layer->media_type == art::media::helm_chart_legacy)
        std::cerr << "ocimirror: warning: " << from->str() << " uses the legacy chart layer type " << layer->media_type << "\n";
      transfer::registry_endpoint src(c);
      auto raw = co_await src.open_blob(from->repository, layer->digest);
      auto checked = transfer::verified_source(std::move(raw), *layer, "layer " + layer->digest + " of " + from->str());
      transfer::file::fd out(transfer::file::open_or_throw(tgz, O_WRONLY | O_CREAT | O_TRUNC, 0600));
      for (;;) {
        auto piece = co_await checked();
        if (piece.empty()) break;
        transfer::file::write_all(out.n, std::string_view(piece.data(), piece.size()), tgz);
      }
    });
    art::gunzip_file(tgz, tarball, std::uint64_t(4) << 30);
    const auto files = art::extract(tarball, dir);
    std::cerr << "pulled " << kind << " " << from->str() << ": " << files << " files into " << dir << "\n";
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
