// `ocimirror push PATH HOST/REPO:TAG --source URL --revision REV` (a Flux artifact) and
// `ocimirror push --helm CHART.tgz HOST/REPO` (a Helm chart), built as flux and helm build them.
#include "daemon/cli/commands.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/endpoint_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/cli/push_inputs.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/session.hpp"
#include "transfer/artifact/artifact.hpp"
#include "transfer/artifact/flux_pack.hpp"
#include "transfer/artifact/flux_tar.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/digest.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <stdexcept>

namespace ocimirror::daemon {
namespace fs = std::filesystem;
namespace art = transfer::artifact;
using transfer::awaitable;

namespace {

constexpr const char* push_help = R"(Usage: ocimirror push [OPTIONS] PATH HOST/REPO:TAG --source URL --revision REV
       ocimirror push [OPTIONS] --helm CHART.tgz [oci://]HOST/REPO

The first form packs PATH (a directory of Kubernetes manifests, a Kustomize overlay, OPA policies..., or a single
file) as `flux push artifact` does: the tar fluxcd/pkg writes (a "." root entry, entries in directory walk order,
real permission bits, owner 0:0, times zero, PAX headers for long or non-ASCII names), symlinks and special files
skipped with a warning, flux's default exclusions (.git/, .gitignore, .gitmodules, .gitattributes, *.jpg, *.jpeg,
*.gif, *.png, *.wmv, *.flv, *.tar.gz, *.zip) plus --ignore-paths; the config and manifest as flux's Go code
writes them, with org.opencontainers.image.{created,source,revision} (each replaceable with -a). The same input
always gives the same digest: created is --created, else $SOURCE_DATE_EPOCH, else 1970-01-01T00:00:00Z.

The second form pushes a packaged chart as `helm push` does: Chart.yaml read and validated as helm reads it, the
config blob as helm marshals its chart metadata, CHART.tgz.prov (or --prov FILE) as the provenance layer, helm's
manifest annotations (title, version, description, url, created, source, authors and the chart's own), pushed to
HOST/REPO/NAME:VERSION ('+' in the version becomes '_') so `helm pull oci://HOST/REPO/NAME` and
`helm pull --verify` work. created is the .tgz's modification time, as helm sets it, unless --created is given.

Blobs go first, the manifest last. Prints the manifest digest. Registry options and credentials are copy's.

Examples:
  ocimirror push ./deploy registry.internal/flux/deploy:main --source https://git.example/acme/deploy --revision main@sha1:4f2c1a9
  ocimirror push ./deploy registry.internal/flux/deploy:v2 --source URL --revision v2@sha1:77ab01 --ignore-paths '*.md,!README.md'
  ocimirror push --helm web-1.2.3.tgz oci://registry.internal/charts
)";

awaitable<void> push_built(transfer::registry_client& c, const transfer::reference& to, const art::built& b) {
  std::vector<const art::blob*> blobs{&b.config};
  for (const auto& l : b.layers) blobs.push_back(&l);
  for (const auto* blob : blobs) {
    if (co_await c.blob_size(to.repository, blob->digest)) continue;
    bool sent = false;
    transfer::http_client::chunk_source once = [&]() -> awaitable<std::span<const char>> {
      co_return std::exchange(sent, true) ? std::span<const char>()
                                          : std::span<const char>(blob->bytes.data(), blob->bytes.size());
    };
    if (blob->file) {  // a packed Flux layer: read from its file in pieces, never held whole
      auto fd = std::make_shared<transfer::file::fd>(transfer::open_regular(blob->file->path));
      once = transfer::file::reader(fd, 0, blob->file_size, blob->file->path);
    }
    const transfer::upload_options plain_push{};  // a named local: GCC 12 and co_await (CONTRIBUTING)
    co_await c.push_blob(to.repository, blob->digest, blob->size(), once, plain_push);
  }
  co_await c.put_manifest(to.repository, to.tag, b.manifest, std::string(transfer::media::oci_manifest));
}

/// flux's --ignore-paths is a string slice: repeatable and comma-separated.
std::vector<std::string> split_commas(const std::vector<std::string>& given) {
  std::vector<std::string> out;
  for (const auto& g : given)
    for (std::size_t start = 0;;) {
      const auto comma = g.find(',', start);
      out.push_back(g.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  return out;
}

struct flux_flags {
  std::string source, revision, created;
  std::vector<std::string> annotations, ignore_paths;
  bool reproducible = false;
};

art::built build_flux(const std::string& path, const flux_flags& f) {
  if (f.source.empty() || f.revision.empty())
    throw po::error("push PATH needs --source and --revision (Flux reads them)");
  if (f.reproducible && !f.created.empty())
    throw po::error("--reproducible fixes created at the epoch; drop --created or --reproducible");
  const std::string created = f.reproducible      ? "1970-01-01T00:00:00Z"
                              : f.created.empty() ? created_default()
                                                  : f.created;
  std::map<std::string, std::string> annotations;
  try {
    annotations = flux_annotations(created, f.source, f.revision, f.annotations);
  } catch (const std::invalid_argument& e) {
    throw po::error(e.what());
  }
  const auto& when = annotations["org.opencontainers.image.created"];
  if (!art::rfc3339(when))
    throw po::error("invalid created timestamp '" + when + "': flux wants RFC 3339, e.g. 2026-11-28T09:30:00Z");
  auto patterns = transfer::ignore::flux_defaults();
  for (auto& p : split_commas(f.ignore_paths)) patterns.push_back(std::move(p));
  transfer::flux_tar::report rep;
  std::string diff_id;
  auto layer = art::pack_flux(path, transfer::ignore::matcher(patterns), rep, diff_id);
  for (const auto& s : rep.skipped)
    std::cerr << "ocimirror: warning: skipped " << s << ": a symbolic link or special file (flux skips them too)\n";
  if (!rep.ignored.empty())
    std::cerr << "left out " << rep.ignored.size() << " ignored path(s), e.g. " << rep.ignored.front() << "\n";
  return art::flux(std::move(layer), diff_id, annotations);
}

art::built build_helm(const std::string& chart, std::string prov_path, const std::string& created) {
  auto meta = read_chart(chart);
  if (prov_path.empty() && fs::exists(chart + ".prov")) prov_path = chart + ".prov";  // what helm push picks up
  std::optional<std::string> prov;
  if (!prov_path.empty()) prov = transfer::file::read_file(prov_path, std::size_t(16) << 20);
  if (!created.empty() && !art::rfc3339(created))
    throw po::error("--created '" + created + "' is not RFC 3339, e.g. 2026-11-28T09:30:00Z");
  const auto when = created.empty() ? file_time_rfc3339(chart) : created;
  return art::helm(transfer::file::read_file(chart, std::size_t(1) << 30), prov, meta, when);
}

}  // namespace

int cmd_push(const args& a) {
  network_flags net;
  flux_flags f;
  std::string helm, prov;
  std::vector<std::string> positional;
  po::options_description opts("Push");
  opts.add_options()("help,h", "show this help")(
      "source", po::value(&f.source),
      "Flux: where the content comes from (org.opencontainers.image.source), e.g. the Git URL")(
      "revision", po::value(&f.revision),
      "Flux: its revision (org.opencontainers.image.revision), e.g. main@sha1:<commit>")(
      "created", po::value(&f.created),
      "org.opencontainers.image.created (RFC 3339); Flux default $SOURCE_DATE_EPOCH or the epoch, Helm default the "
      ".tgz's time")("reproducible", po::bool_switch(&f.reproducible),
                     "Flux: created = 1970-01-01T00:00:00Z, as flux's flag")(
      "annotation,a", po::value(&f.annotations)->composing(),
      "Flux: a manifest annotation KEY=VALUE (repeatable; replaces created/source/revision too)")(
      "ignore-paths", po::value(&f.ignore_paths)->composing(),
      "Flux: more .gitignore patterns to leave out (comma-separated, repeatable; '!' takes one back)")(
      "helm", po::value(&helm), "push this packaged chart (.tgz) instead of a directory")(
      "prov", po::value(&prov), "Helm: the provenance file (default CHART.tgz.prov when it exists)");
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
      b = build_helm(helm, prov, f.created);
      to = repo;
      to->repository += "/" + b.name;
      to->tag = b.tag;
      if (!transfer::is_valid_repository(to->repository) || !transfer::is_valid_tag(to->tag))
        throw transfer::error(transfer::errc::bad_reference, "chart " + b.name + " " + b.tag + " gives " + to->str() +
                                                                 ", which is not a valid OCI reference");
    } else {
      if (positional.size() != 2) throw po::error("push needs PATH and HOST/REPO:TAG");
      to = reference_arg(positional[1]);
      if (!to) return exit_usage;
      if (to->tag.empty()) throw po::error("name the tag to push to: " + positional[1] + ":TAG");
      b = build_flux(positional[0], f);
    }
    session s = session_for(net);
    s.run([&]() -> awaitable<void> { co_await push_built(s.client(*to), *to, b); });
    std::cout << transfer::sha256_digest(b.manifest) << "\n";
    const auto content = std::find_if(b.layers.begin(), b.layers.end(),
                                      [](const art::blob& l) { return l.media_type != art::media::helm_prov; });
    std::cerr << "pushed " << to->str() << " (" << human_bytes(content->size()) << " "
              << (helm.empty() ? "layer" : "chart") << (b.layers.size() > 1 ? " and its provenance file" : "") << ")\n";
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
