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

}  // namespace ocimirror::daemon
