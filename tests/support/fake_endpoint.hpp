#pragma once
// An endpoint held in memory, for engine tests without sockets: what copy_image does with what a destination
// has, what a source lacks or serves wrong, and in which order it writes. Every write is logged
// ("blob <digest>", "manifest <target>") so a test can check that nothing is pushed before what it references.
#include "transfer/endpoint/endpoint.hpp"
#include "transfer/oci/digest.hpp"
#include "transfer/oci/errors.hpp"

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::testing {

class fake_endpoint final : public transfer::endpoint {
 public:
  struct stored {
    std::string bytes, media_type;
  };
  std::map<std::string, stored> manifests;    ///< by digest
  std::map<std::string, std::string> tags;    ///< tag -> digest
  std::map<std::string, std::string> blobs;   ///< digest -> bytes
  std::map<std::string, std::string> served;  ///< digest -> bytes served instead (a source that lies)
  std::vector<std::string> log;               ///< writes, in order
  std::size_t piece = 7;                      ///< bytes per piece open_blob hands out
  std::size_t heads = 0;                      ///< head_manifest calls: what a warm run must not spend

  explicit fake_endpoint(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }

  std::string add_blob(const std::string& bytes) {
    auto d = transfer::sha256_digest(bytes);
    blobs[d] = bytes;
    return d;
  }
  std::string add_manifest(const std::string& bytes, const std::string& media_type, const std::string& tag = {}) {
    auto d = transfer::sha256_digest(bytes);
    manifests[d] = {bytes, media_type};
    if (!tag.empty()) tags[tag] = d;
    return d;
  }

  transfer::awaitable<std::vector<std::string>> repositories(const std::string&) override {
    co_return std::vector<std::string>{"repo"};
  }
  transfer::awaitable<std::vector<std::string>> list_tags(const std::string&) override {
    std::vector<std::string> out;
    for (const auto& [t, d] : tags) out.push_back(t);
    co_return out;
  }
  transfer::awaitable<std::optional<transfer::manifest_head>> head_manifest(const std::string&,
                                                                            const std::string& target) override {
    ++heads;
    const auto d = resolve(target);
    if (!manifests.count(d)) co_return std::nullopt;
    co_return transfer::manifest_head{d, manifests[d].media_type, manifests[d].bytes.size()};
  }
  transfer::awaitable<transfer::fetched_manifest> get_manifest(const std::string&, const std::string& target) override {
    const auto d = resolve(target);
    if (!manifests.count(d)) throw transfer::error(transfer::errc::not_found, name_ + ": no manifest " + target);
    co_return transfer::fetched_manifest{manifests[d].bytes, manifests[d].media_type, d};
  }
  transfer::awaitable<void> put_manifest(const std::string&, const std::string& target, const std::string& bytes,
                                         const std::string& media_type) override {
    const auto d = add_manifest(bytes, media_type);
    if (target != d) tags[target] = d;
    log.push_back("manifest " + target);
    co_return;
  }
  transfer::awaitable<transfer::removal> remove_tag(const std::string&, const std::string& tag, const std::string&,
                                                    const std::set<std::string>&) override {
    tags.erase(tag);
    co_return transfer::removal{};
  }
  transfer::awaitable<std::optional<std::uint64_t>> blob_size(const std::string&, const std::string& digest) override {
    if (!blobs.count(digest)) co_return std::nullopt;
    co_return blobs[digest].size();
  }
  transfer::awaitable<transfer::http_client::chunk_source> open_blob(const std::string&,
                                                                     const std::string& digest) override {
    if (!blobs.count(digest)) throw transfer::error(transfer::errc::not_found, name_ + ": no blob " + digest);
    auto bytes = std::make_shared<std::string>(served.count(digest) ? served[digest] : blobs[digest]);
    auto at = std::make_shared<std::size_t>(0);
    const auto n = piece;
    co_return [bytes, at, n]() -> transfer::awaitable<std::span<const char>> {
      const auto take = std::min(n, bytes->size() - *at);
      std::span<const char> out(bytes->data() + *at, take);
      *at += take;
      co_return out;
    };
  }
  transfer::awaitable<void> put_blob(const std::string&, const std::string& digest, std::uint64_t,
                                     transfer::http_client::chunk_source next) override {
    std::string got;
    for (;;) {
      auto p = co_await next();  // throws on a mismatch before the last piece: nothing is stored then
      if (p.empty()) break;
      got.append(p.data(), p.size());
    }
    blobs[digest] = got;
    log.push_back("blob " + digest);
  }

 private:
  std::string resolve(const std::string& target) const {
    if (target.starts_with("sha256:")) return target;
    auto it = tags.find(target);
    return it == tags.end() ? std::string() : it->second;
  }
  std::string name_;
};

}  // namespace ocimirror::testing
