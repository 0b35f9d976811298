#include "daemon/cli/endpoint_args.hpp"

#include "transfer/endpoint/layout.hpp"

#include <boost/program_options/errors.hpp>

#include <filesystem>
#include <iostream>

namespace ocimirror::daemon {
namespace fs = std::filesystem;
namespace po = boost::program_options;

namespace {
/// skopeo's other transports: what they are and what ocimirror reads instead.
std::optional<std::string> foreign_transport(std::string_view text) {
  static constexpr std::pair<std::string_view, std::string_view> known[] = {
      {"docker-archive:",
       "a `docker save` tarball, which ocimirror neither reads nor writes; use oci-archive:FILE.tar "
       "(an OCI archive) instead, converting with `skopeo copy docker-archive:FILE oci-archive:FILE.tar`"},
      {"docker-daemon:",
       "an image in a Docker daemon, which ocimirror does not reach; push it to a registry or "
       "`skopeo copy` it to oci:DIR first"},
      {"containers-storage:",
       "an image in podman/buildah local storage; `podman push` it or `skopeo copy` it to "
       "oci:DIR first"},
      {"dir:",
       "skopeo's dir: format, which ocimirror neither reads nor writes; use oci:DIR (an OCI image layout) instead"},
  };
  for (const auto& [prefix, what] : known)
    if (text.starts_with(prefix)) return std::string(prefix.substr(0, prefix.size() - 1)) + ": is " + std::string(what);
  return std::nullopt;
}
}  // namespace

std::optional<transfer::reference> reference_arg(const std::string& given, bool repository_only) {
  if (auto why = foreign_transport(given)) {
    print_error("'" + given + "': " + *why);
    return std::nullopt;
  }
  // docker://HOST/REPO:TAG is skopeo's spelling of a registry reference, oci://HOST/REPO helm's.
  const std::string text = given.starts_with("docker://") ? given.substr(9)
                           : given.starts_with("oci://")  ? given.substr(6)
                                                          : given;
  auto r = repository_only ? transfer::parse_repository(text) : transfer::parse_reference(text);
  if (!r) {
    print_error("invalid reference '" + given + "': " + r.error().what);
    return std::nullopt;
  }
  return *r;
}

void print_error(const std::string& what) { std::cerr << "ocimirror: error: " << what << std::endl; }

void select_only_entry(transfer::endpoint& layout, endpoint_arg& arg) {
  const auto& index = dynamic_cast<transfer::layout_endpoint&>(layout).index();
  auto e = transfer::only_entry(index, arg.str());
  if (!e && index.size() == 0) throw transfer::error(transfer::errc::not_found, e.error());
  if (!e) throw po::error(e.error());  // ambiguous: the reference must say which
  if (auto named = transfer::mappable_ref_name(e->ref_name)) {
    arg.ref.repository = std::move(named->first);
    arg.ref.tag = std::move(named->second);
  } else {
    arg.ref.digest = e->target.digest;
  }
}

config::endpoint endpoint_of(const transfer::layout_ref& l) {
  config::endpoint e;
  e.type =
      l.kind == transfer::layout_ref::archive ? config::endpoint::kind::oci_archive : config::endpoint::kind::oci_dir;
  e.file = fs::absolute(l.path).lexically_normal().string();
  e.registry = (l.kind == transfer::layout_ref::archive ? "oci-archive:" : "oci:") + e.file;
  return e;
}

std::optional<endpoint_arg> endpoint_arg_of(const std::string& text) {
  if (auto l = transfer::parse_layout_ref(text)) {
    if (!*l) {
      print_error(
          "'" + text +
          "' is not a layout reference (oci:DIR[:REF][@DIGEST] or oci-archive:FILE[:REF][@DIGEST]): " + l->error());
      return std::nullopt;
    }
    endpoint_arg a;
    a.layout = **l;
    a.ref.registry = ((*l)->kind == transfer::layout_ref::archive ? "oci-archive:" : "oci:") + (*l)->path;
    a.ref.repository = (*l)->repository;
    a.ref.tag = (*l)->tag;
    a.ref.digest = (*l)->digest;
    return a;
  }
  auto r = reference_arg(text);
  if (!r) return std::nullopt;
  return endpoint_arg{std::nullopt, *r};
}

}  // namespace ocimirror::daemon
