// `ocimirror inventory WHERE... [-o FILE]`: every digest (manifests and blobs) under every tag, for `--since`.
#include "daemon/cli/commands.hpp"
#include "daemon/cli/console.hpp"
#include "daemon/cli/endpoint_args.hpp"
#include "daemon/cli/flags.hpp"
#include "daemon/exit_codes.hpp"
#include "daemon/run/endpoints.hpp"
#include "transfer/net/file_io.hpp"

#include <iostream>
#include <set>

namespace ocimirror::daemon {
using transfer::awaitable;

namespace {

constexpr const char* inventory_help = R"(Usage: ocimirror inventory [OPTIONS] WHERE...

Lists every digest a registry (or layout) holds under its tags: each tagged manifest, its children, and every
blob they reference, one per line. Run it on the far side of an air gap and carry the file back: an export with
`sync --since FILE` then leaves those blobs out of the next bundle.

WHERE is HOST[:PORT] (every repository in its catalog), HOST[:PORT]/REPO (one repository), oci:DIR or
oci-archive:FILE.

Examples:
  ocimirror inventory registry.airgap:5000 -o have.txt
  ocimirror inventory --plain-http localhost:5000/mirror/app localhost:5000/mirror/web > have.txt
)";

awaitable<void> walk(transfer::endpoint& e, const std::string& repo, const std::string& target,
                     std::set<std::string>& out, int depth = 0) {
  auto m = co_await e.get_manifest(repo, target);
  if (!out.insert(m.digest).second) co_return;
  auto parsed = transfer::parse_manifest(m.bytes, m.media_type);
  if (!parsed)
    throw transfer::error(transfer::errc::bad_manifest, e.name() + "/" + repo + "@" + m.digest + ": " + parsed.error());
  if (parsed->is_index()) transfer::check_index_depth(depth, e.name() + "/" + repo + "@" + m.digest);
  for (const auto& c : parsed->manifests) co_await walk(e, repo, c.digest, out, depth + 1);
  for (const auto* b : parsed->blobs()) out.insert(b->digest);
}

}  // namespace

int cmd_inventory(const args& a) {
  network_flags net;
  std::string out_file;
  std::vector<std::string> where;
  po::options_description opts("Inventory");
  opts.add_options()("help,h", "show this help")("output,o", po::value(&out_file),
                                                 "write the list to FILE (atomically) instead of stdout");
  opts.add(net.describe());
  const bool json = false;
  return guarded(json, [&]() -> int {
    if (parse_positional(a, opts, where, inventory_help)) return exit_ok;
    if (where.empty()) throw po::error("inventory needs at least one registry, repository or layout");
    session s = session_for(net);
    std::set<std::string> digests;
    std::size_t tags = 0;
    for (const auto& w : where) {
      config::endpoint e;
      std::vector<std::string> repos;
      if (auto l = transfer::parse_layout_ref(w)) {
        if (!*l) throw po::error("'" + w + "': " + l->error());
        e = endpoint_of(**l);
      } else if (w.find('/') == std::string::npos) {
        e.registry = w;
      } else {
        auto r = reference_arg(w, true);
        if (!r) return exit_usage;
        e.registry = r->registry;
        repos.push_back(r->repository);
      }
      auto end = open_endpoint(s, e, role::source);
      s.run([&]() -> awaitable<void> {
        if (repos.empty()) repos = co_await end->repositories({});
        for (const auto& repo : repos) {
          auto listed = co_await end->list_tags(repo);
          for (const auto& t : listed) {
            co_await walk(*end, repo, t, digests);
            ++tags;
          }
        }
      });
    }
    std::string text = "# ocimirror inventory of";
    for (const auto& w : where) text += " " + w;
    text += ": " + std::to_string(tags) + " tags, " + std::to_string(digests.size()) + " digests\n";
    for (const auto& d : digests) text += d + "\n";
    if (out_file.empty())
      std::cout << text;
    else
      transfer::file::write_atomic(out_file, text);
    std::cerr << "inventory: " << tags << " tags, " << digests.size() << " digests\n";
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
