// `ocimirror copy SRC DST`
#include "daemon/cli/commands.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/endpoint_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/endpoints.hpp"
#include "daemon/run/session.hpp"
#include "policy/platform.hpp"
#include "transfer/copy/copy.hpp"
#include "transfer/copy/referrers_copy.hpp"

#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace ocimirror::daemon {
using namespace std::chrono;

namespace {

constexpr const char* copy_help = R"(Usage: ocimirror copy [OPTIONS] SRC DST

Copies the manifest SRC names and everything it references (blobs, child manifests) to DST, child-first, so a
manifest never arrives before its contents. Bytes are verified against their digests on the way; what DST already
has is skipped, and blobs in another repository of the same registry are mounted instead of copied. What refers
to it travels too (unless --no-referrers): its referrers (the OCI referrers API, else the `sha256-<hex>` fallback
tag, whose index is kept up to date at DST) and cosign's `sha256-<hex>.sig/.att/.sbom` tags, recursively.

SRC and DST are HOST[:PORT]/REPO[:TAG][@sha256:DIGEST]. SRC without tag or digest means :latest. DST without a
tag takes SRC's tag; with neither, the manifest is pushed by digest. Prints the digest at DST on stdout.

Either side may be an OCI image layout: oci:DIR[:REF] (a directory, created when missing, added to) or
oci-archive:FILE.tar[:REF] (a tar; as DST it is written anew, under FILE only once complete). REF is the entry's
org.opencontainers.image.ref.name exactly as skopeo and umoci use it: REPO:TAG, or a bare TAG. A layout source
without REF means its only entry (named or not); @sha256:DIGEST selects an entry by digest. A layout destination
without REF is written as SRC's REPO:TAG. docker://HOST/REPO:TAG (skopeo's spelling) is accepted too.

Examples:
  ocimirror copy ghcr.io/acme/app:v1.2.0 registry.internal:5000/mirror/app:v1.2.0
  ocimirror copy --platform linux/amd64 --platform linux/arm64 ghcr.io/acme/app:v1 registry.internal/app
  ocimirror copy --plain-http localhost:5000/charts/web:1.0.0 localhost:5001/charts/web
  ocimirror copy ghcr.io/acme/app:v1 oci-archive:app.tar            # stored as acme/app:v1
  ocimirror copy oci:./layout:acme/app:v1 registry.internal/acme/app:v1
  ocimirror copy oci:./skopeo-layout registry.internal/acme/app:v1  # the layout's only image
  ocimirror copy ghcr.io/acme/app:v1 oci:./umoci-layout:v1          # ref name "v1", as umoci reads it
)";

/// What a copy did: the digest on stdout, a summary on stderr (or one JSON object on stdout).
void print_copy(const endpoint_arg& src, const endpoint_arg& dst, const transfer::copy_result& result,
                const transfer::referrer_stats& with, double secs, bool json, bool quiet) {
  const auto& st = result.stats;
  if (json) {
    boost::json::object o{
        {"source", src.str()},
        {"destination", dst.str()},
        {"digest", result.digest},
        {"sourceDigest", result.source_digest},
        {"mediaType", result.media_type},
        {"blobs", {{"copied", st.blobs_copied}, {"mounted", st.blobs_mounted}, {"skipped", st.blobs_skipped}}},
        {"manifests", {{"pushed", st.manifests_pushed}, {"skipped", st.manifests_skipped}}},
        {"bytes", st.bytes_copied},
        {"seconds", secs},
        {"peakRssBytes", peak_rss_bytes()},
        {"referrers",
         {{"manifests", with.referrers},
          {"cosignTags", with.cosign_tags},
          {"fallbackIndexes", with.fallback_updates}}}};
    std::cout << boost::json::serialize(o) << "\n";
  } else {
    std::cout << result.digest << "\n";
    if (!quiet) {
      char rate[64] = "";
      if (secs > 0 && st.bytes_copied)
        std::snprintf(rate, sizeof rate, ", %s/s",
                      human_bytes(static_cast<std::uint64_t>(st.bytes_copied / secs)).c_str());
      std::fprintf(stderr,
                   "copied %s -> %s: blobs %zu copied (%s), %zu mounted, %zu skipped; manifests %zu pushed, %zu "
                   "skipped; %.2fs%s\n",
                   src.str().c_str(), dst.str().c_str(), st.blobs_copied, human_bytes(st.bytes_copied).c_str(),
                   st.blobs_mounted, st.blobs_skipped, st.manifests_pushed, st.manifests_skipped, secs, rate);
      if (with.referrers || with.cosign_tags)
        std::fprintf(stderr, "with it: %zu referrers, %zu cosign tags\n", with.referrers, with.cosign_tags);
      if (result.digest != result.source_digest)
        std::fprintf(
            stderr, "note: platforms were filtered, so the index digest changed: %s -> %s (%s)\n",
            result.source_digest.c_str(), result.digest.c_str(),
            result.media_type == transfer::media::docker_list
                ? "a Docker manifest list carries no annotations, so the source digest is recorded nowhere in it"
                : "source recorded in annotation io.ocimirror.source.digest");
    }
  }
}

/// The flags of `copy`, and SRC and DST as written.
struct copy_flags {
  network_flags net;
  transfer_flags xfer;
  std::vector<std::string> platforms, positional;
  std::vector<policy::platform_pattern> wanted;
  std::string output = "text";
  std::size_t jobs = 8;
  bool quiet = false, no_referrers = false;

  po::options_description visible() {
    po::options_description opts("Copy");
    opts.add_options()("help,h", "show this help")(
        "platform", po::value(&platforms)->composing(),
        "copy only this platform of an index: os/arch[/variant] (repeatable); the new index gets a new digest")(
        "output,o", po::value(&output), "text (default) or json")(
        "jobs,j", po::value(&jobs)->default_value(8), "blobs transferred at once")("quiet,q", po::bool_switch(&quiet),
                                                                                   "no progress display")(
        "no-referrers", po::bool_switch(&no_referrers),
        "leave signatures, SBOMs and attestations (referrers, cosign tags) behind");
    opts.add(xfer.describe());
    opts.add(net.describe());
    return opts;
  }

  /// Parses the arguments; true when --help was printed. Throws po::error for a usage error.
  bool parse(const args& a) {
    if (parse_positional(a, visible(), positional, copy_help)) return true;
    if (output != "text" && output != "json") throw po::error("--output must be text or json");
    if (positional.size() != 2) throw po::error("copy needs exactly two references, SRC and DST");
    for (const auto& p : platforms) {
      auto parsed = policy::parse_platform(p);
      if (!parsed) throw po::error(parsed.error());
      wanted.push_back(*parsed);
    }
    return false;
  }

  transfer::copy_options options(transfer::copy_progress& progress) const {
    transfer::copy_options co;
    co.parallel_blobs = std::max<std::size_t>(jobs, 1);
    co.pipe = xfer.pipe();
    if (!wanted.empty())
      co.select_child = [w = wanted](const transfer::descriptor& d) { return policy::platform_selected(d, w); };
    co.progress = &progress;
    return co;
  }
};

struct copy_ends {
  std::unique_ptr<transfer::endpoint> src, dst;
};

config::endpoint registry_endpoint_of(const transfer::reference& r) {
  return config::endpoint{config::endpoint::kind::registry, r.registry, "", ""};
}

/// Names what SRC leaves implicit (`latest`; a layout's only entry) and DST after it, then opens the ends when a
/// layout is one of them. Between two registries both stay closed: run_copy opens them on the session's clients.
copy_ends open_ends(session& s, endpoint_arg& src_arg, endpoint_arg& dst_arg, const transfer::upload_options& up) {
  auto& src = src_arg.ref;
  auto& dst = dst_arg.ref;
  const bool dst_named = !dst.tag.empty() || !dst.digest.empty();
  if (src.tag.empty() && src.digest.empty() && !src_arg.layout) src.tag = "latest";
  copy_ends ends;
  if (src_arg.layout) {
    ends.src = open_endpoint(s, endpoint_of(*src_arg.layout), role::source);
    if (src.tag.empty() && src.digest.empty()) select_only_entry(*ends.src, src_arg);
  }
  if (dst.tag.empty() && dst.digest.empty()) dst.tag = src.tag;
  // oci:DIR:REF names the entry REF as written (a bare REF is a tag of the unnamed repository); without REF, a
  // layout destination takes the source's repository and tag.
  if (dst_arg.layout && !dst_named) dst.repository = src.repository;
  if (!src_arg.layout && !dst_arg.layout) return ends;
  if (dst_arg.layout && dst.tag.empty())
    throw po::error("name the destination as " + dst_arg.layout->str() + ":REF (the source has no tag to take)");
  if (!ends.src) ends.src = open_endpoint(s, registry_endpoint_of(src), role::source);
  ends.dst = open_endpoint(s, dst_arg.layout ? endpoint_of(*dst_arg.layout) : registry_endpoint_of(dst),
                           role::destination, {0, nullptr, up});
  return ends;
}

/// What a copy did: the image and what refers to it.
struct copy_outcome {
  transfer::copy_result result;
  transfer::referrer_stats with;
};

/// The copy and, unless --no-referrers, what refers to it; the destination committed last. Progress on stderr
/// while it runs (choose_progress).
copy_outcome run_copy(session& s, copy_ends& ends, const transfer::reference& src, const transfer::reference& dst,
                      const copy_flags& f, const transfer::copy_options& co) {
  copy_outcome out;
  run_with_progress(
      s, *co.progress, choose_progress(f.quiet, f.output == "json"), "copy", [&]() -> transfer::awaitable<void> {
        if (!ends.src) ends.src = std::make_unique<transfer::registry_endpoint>(s.client(src), co.pipe.upload);
        if (!ends.dst) ends.dst = std::make_unique<transfer::registry_endpoint>(s.client(dst), co.pipe.upload);
        out.result = co_await transfer::copy_image(*ends.src, src, *ends.dst, dst, co);
        // What refers to it comes along (a platform-filtered index is a new manifest nothing refers to).
        if (!f.no_referrers && out.result.digest == out.result.source_digest) {
          transfer::referrer_probe probe;
          const transfer::referrers::filter every;  // named: no temporaries inside co_await (GCC 12)
          out.with = co_await transfer::copy_referrers(*ends.src, src.repository, *ends.dst, dst.repository,
                                                       out.result.source_digest, every, co, nullptr, probe);
        }
        co_await ends.dst->commit();
      });
  return out;
}

}  // namespace

int cmd_copy(const args& a) {
  copy_flags f;
  bool json = false;
  return guarded(json, [&]() -> int {
    if (f.parse(a)) return exit_ok;
    json = f.output == "json";
    auto src = endpoint_arg_of(f.positional[0]);
    auto dst = endpoint_arg_of(f.positional[1]);
    if (!src || !dst) return exit_usage;
    transfer::copy_progress progress;
    const auto co = f.options(progress);
    session s = session_for(f.net);
    auto ends = open_ends(s, *src, *dst, co.pipe.upload);
    const auto start = steady_clock::now();
    const auto done = run_copy(s, ends, src->ref, dst->ref, f, co);
    print_copy(*src, *dst, done.result, done.with, duration<double>(steady_clock::now() - start).count(), json,
               f.quiet);
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
