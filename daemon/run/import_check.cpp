#include "daemon/run/import_check.hpp"

#include <set>

namespace ocimirror::daemon {
using transfer::awaitable;

namespace {

struct walker {
  transfer::layout_archive_reader& bundle;
  transfer::endpoint& dst;
  cache::mirror_cache& cache;
  std::set<std::pair<std::string, std::string>> checked;  ///< (destination repo, blob digest) found fine

  /// Throws transfer::error naming what is missing.
  awaitable<void> walk(const std::string& repo, const std::string& target, const std::string& dst_repo, int depth = 0) {
    auto m = co_await bundle.get_manifest(repo, target);  // digest-checked
    auto parsed = transfer::parse_manifest(m.bytes, m.media_type);
    if (!parsed) throw transfer::error(transfer::errc::bad_manifest, "manifest " + m.digest + ": " + parsed.error());
    if (parsed->is_index()) transfer::check_index_depth(depth, "manifest " + m.digest);
    for (const auto& child : parsed->manifests) co_await walk(repo, child.digest, dst_repo, depth + 1);
    for (const auto* b : parsed->blobs()) {
      if (checked.count({dst_repo, b->digest})) continue;
      auto here = co_await bundle.blob_size(repo, b->digest);
      if (here && *here != b->size)
        throw transfer::error(transfer::errc::bad_archive, "blob " + b->digest + " is " + std::to_string(*here) +
                                                               " bytes in the bundle but manifest " + m.digest +
                                                               " says " + std::to_string(b->size));
      bool present = here.has_value();
      if (!present) present = (co_await dst.blob_size(dst_repo, b->digest)).has_value();
      if (!present) {
        auto holders = co_await cache.holders(dst.name(), b->digest);
        if (holders.empty())
          throw transfer::error(transfer::errc::bad_archive,
                                "blob " + b->digest + " (of manifest " + m.digest +
                                    ") is neither in the bundle nor at " + dst.name() + "/" + dst_repo +
                                    "; import the bundle it came in first, or export without --since");
      }
      checked.insert({dst_repo, b->digest});
    }
  }
};

}  // namespace

awaitable<std::vector<failure>> check_import(transfer::layout_archive_reader& bundle, transfer::endpoint& dst,
                                             const std::vector<policy::plan_item*>& work, cache::mirror_cache& cache) {
  std::vector<failure> out;
  try {
    bundle.verify_blobs();
  } catch (const transfer::error& e) {
    out.push_back(failure_from("import " + bundle.name(), e));
    co_return out;
  }
  walker w{bundle, dst, cache, {}};
  for (const auto* it : work) {
    if (it->what == policy::action::prune) continue;
    try {
      co_await w.walk(it->source_repo, it->tag, it->destination_repo);
    } catch (const transfer::error& e) {
      out.push_back({bundle.name() + ":" + it->source_repo + ":" + it->tag + " -> " + dst.name() + "/" +
                         it->destination_repo + ":" + it->tag,
                     std::string(e.what()) + "; nothing from the bundle was pushed", e.code()});
    }
  }
  co_return out;
}

}  // namespace ocimirror::daemon
