// `ocimirror tags REPO`: every tag, following the registry's pagination.
#include "daemon/cli/commands.hpp"
#include "daemon/cli/endpoint_args.hpp"
#include "daemon/cli/read_args.hpp"
#include "daemon/exit_codes.hpp"
#include "transfer/oci/reference.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace ocimirror::daemon {
namespace {

/// e told which repository it concerns: the client's own messages name it ("repository H/R not found (...)",
/// "registry H: list tags of R: ..."); a failure below them (a refused connection, a timeout) does not, and is
/// prefixed "tags of H/R: ".
transfer::error named(const transfer::error& e, const transfer::reference& ref) {
  const std::string words = e.what();
  const bool client_named = words.starts_with("repository " + ref.registry + "/" + ref.repository + " ") ||
                            words.find("list tags of " + ref.repository + ": ") != std::string::npos;
  if (client_named) return e;
  return transfer::error(e.code(), "tags of " + ref.str() + ": " + words);
}

}  // namespace

namespace json = boost::json;

int cmd_tags(const args& a) {
  read_args p;
  const char* help = R"(Usage: ocimirror tags [OPTIONS] REPO

Lists every tag of REPO (HOST[:PORT]/REPOSITORY), following the registry's pagination, one per line.

Example:
  ocimirror tags ghcr.io/acme/app
)";
  bool json_out = false;
  return guarded(json_out, [&]() -> int {
    if (int rc = parse_read_args(a, p, help, false); rc >= 0) return rc;
    json_out = p.output == "json";
    auto ref = reference_arg(p.positional[0], true);
    if (!ref) return exit_usage;
    session s = session_for(p.net);
    std::vector<std::string> tags;
    try {
      s.run([&]() -> transfer::awaitable<void> { tags = co_await s.client(*ref).list_tags(ref->repository); });
    } catch (const transfer::error& e) {
      throw named(e, *ref);
    }
    if (p.output == "json") {
      json::array arr;
      for (const auto& t : tags) arr.emplace_back(t);
      std::cout << json::serialize(json::object{{"repository", ref->str()}, {"tags", std::move(arr)}}) << "\n";
    } else {
      for (const auto& t : tags) std::cout << t << "\n";
    }
    return exit_ok;
  });
}

}  // namespace ocimirror::daemon
