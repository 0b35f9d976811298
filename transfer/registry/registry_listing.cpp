#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/reference.hpp"
#include "transfer/registry/listing.hpp"
#include "transfer/registry/registry.hpp"
#include "transfer/registry/response_step.hpp"

// Tag lists and the catalog, page by page through the pure list_pager: every page bounded, every name checked, a
// page that does not parse fetched again within the re-fetch budget, a list over listing_limits refused whole.
namespace ocimirror::transfer {

awaitable<std::vector<std::string>> registry_client::paginate(std::string target, const scope_set& scopes,
                                                              const std::string& repo) {
  const bool tags = !repo.empty();
  const char* key = tags ? "tags" : "repositories";
  // Artifactory may list digests among the tags (containers/skopeo#2346): accepted on the page, then dropped.
  const bool digests = tags && profile_->digests_in_tags;
  list_pager pager(
      std::move(target), key,
      [tags, digests](std::string_view n) {
        return tags ? is_valid_tag(n) || (digests && is_valid_digest(n)) : is_valid_repository(n);
      },
      listing_);
  std::optional<retry_budget> refetches;  // one budget per page
  refetches.emplace(budget_kind::refetch, policy().refetch);
  for (;;) {
    request page{.verb = http::verb::get, .url = pager.url(), .scopes = scopes, .limit = 16u << 20};
    auto res = co_await call(std::move(page));
    if (res.result_int() == 404) {
      if (!is_registry_error_body(res.body())) co_await require_registry();
      const auto why = describe_registry_error(404, res.body());
      throw error(errc::not_found, tags ? "repository " + name_ + "/" + repo + " not found (" + why + ")"
                                        : "registry " + name_ + ": " + why);
    }
    if (res.result_int() != 200) fail(res, tags ? "list tags of " + repo : std::string("list repositories"));
    switch (pager.add(res.body(), res[http::field::link])) {
      case list_pager::outcome::done: {
        auto names = pager.take();
        if (digests) std::erase_if(names, [](const std::string& n) { return !is_valid_tag(n); });
        co_return names;
      }
      case list_pager::outcome::next:
        refetches.emplace(budget_kind::refetch, policy().refetch);
        continue;
      case list_pager::outcome::refused:
        throw error(errc::too_large,
                    "registry " + name_ + " " + pager.problem() + "; ocimirror refuses the whole list");
      case list_pager::outcome::corrupt:
        const bool again = co_await retry(*refetches);
        if (!again)
          throw error(errc::protocol, "registry " + name_ + " " + pager.problem() + " in each of " +
                                          std::to_string(refetches->spent() + 1) + " fetches");
    }
  }
}

awaitable<std::vector<std::string>> registry_client::list_tags(const std::string& repo, unsigned page_size) {
  co_return co_await paginate(url("/v2/" + repo + "/tags/list?n=" + std::to_string(page_size)), pull_scope(repo), repo);
}

awaitable<std::vector<std::string>> registry_client::catalog(unsigned page_size) {
  if (!profile_->catalog)  // GHCR and Docker Hub have none: say so instead of a 404 about a repository "_catalog"
    throw error(errc::not_found, "registry " + name_ + " (" + std::string(profile_->family) +
                                     ") has no catalog to list repositories from; name them under `repositories:`");
  // Named locals: GCC 12 miscompiles a temporary built inside a co_await expression (CONTRIBUTING.md).
  const scope_set scopes{std::string("registry:catalog:*")};
  const std::string no_repository;  // the catalog, not a tag list
  co_return co_await paginate(url("/v2/_catalog?n=" + std::to_string(page_size)), scopes, no_repository);
}

}  // namespace ocimirror::transfer
