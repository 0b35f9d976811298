// `ocimirror tags REPO`: every tag, following the registry's pagination.
#include "daemon/cli/commands.hpp"
#include "daemon/cli/read_args.hpp"

#include <boost/json.hpp>

#include <iostream>

namespace ocimirror::daemon {
namespace {

/// e told about the repository it concerns, as a missing manifest names its reference: "repository H/R not found
/// (NAME_UNKNOWN: ...)" rather than the registry's words alone.
transfer::error named(const transfer::error& e, const std::string& registry, const std::string& repository) {
  std::string words = e.what();
  if (const auto lead = "registry " + registry + ": "; words.starts_with(lead)) words.erase(0, lead.size());
  if (e.code() == transfer::errc::not_found)
    return transfer::error(e.code(), "repository " + repository + " not found (" + words + ")");
  return transfer::error(e.code(), "tags of " + repository + ": " + words);
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
    session s(p.net);
    std::vector<std::string> tags;
    try {
      s.run([&]() -> transfer::awaitable<void> { tags = co_await s.client(*ref).list_tags(ref->repository); });
    } catch (const transfer::error& e) {
      throw named(e, ref->registry, ref->str());
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
