#include "daemon/run/endpoints.hpp"

#include <filesystem>

namespace ocimirror::daemon {
namespace fs = std::filesystem;
using transfer::errc;

std::unique_ptr<transfer::endpoint> open_endpoint(session& s, const config::endpoint& e, role r,
                                                  const open_options& o) {
  using kind = config::endpoint::kind;
  if (e.type == kind::registry) {
    transfer::reference any;
    any.registry = e.registry;
    any.repository = "x";
    return std::make_unique<transfer::registry_endpoint>(s.client(any), o.upload);
  }
  if (r == role::source) {
    if (e.type == kind::oci_archive) return std::make_unique<transfer::layout_archive_reader>(e.file);
    return std::make_unique<transfer::layout_dir>(e.file, transfer::layout_dir::mode::read);
  }
  // A dry run writes nothing: an existing directory is read, anything else looks empty (an archive writer that is
  // never committed touches no file).
  if (r == role::dry_run_destination) {
    if (e.type == kind::oci_dir && o.keep == 0 && fs::exists(e.file))
      return std::make_unique<transfer::layout_dir>(e.file, transfer::layout_dir::mode::read);
    return std::make_unique<transfer::layout_archive_writer>(e.file);
  }
  if (e.type == kind::oci_archive) {
    const auto parent = fs::absolute(e.file).parent_path();
    if (!fs::is_directory(parent))
      throw transfer::error(errc::not_found, "no directory " + parent.string() + " to write " + e.registry + " in");
    return std::make_unique<transfer::layout_archive_writer>(e.file, o.since ? *o.since : std::set<std::string>{});
  }
  if (o.keep > 0) {
    std::error_code ec;
    fs::create_directories(e.file, ec);
    if (ec) throw transfer::error(errc::io, "cannot create " + e.file + ": " + ec.message());
    return std::make_unique<transfer::layout_snapshots>(e.file, o.keep);
  }
  return std::make_unique<transfer::layout_dir>(e.file, transfer::layout_dir::mode::write);
}

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
