// `ocimirror tags REPO`: every tag, following the registry's pagination.
#include "daemon/cli/commands.hpp"
#include "daemon/cli/read_args.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace ocimirror::daemon {
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
    session s(p.net);
    std::vector<std::string> tags;
    s.run([&]() -> transfer::awaitable<void> { tags = co_await s.client(*ref).list_tags(ref->repository); });
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
