#pragma once
// What to do with one blob, decided apart from the requests that answer each question (as upload_state decides an
// upload's steps): skip it when the destination has it; mount it from a repository known to hold it, the run's own
// knowledge first, then the cache's, then the source's repository on the same registry; report it missing when
// neither end has it; continue an upload an earlier process left; else upload it. blob_copier asks each question
// and carries out each answer. Pure.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace ocimirror::transfer {

class blob_plan {
 public:
  enum class step {
    skip,          ///< the destination has it
    ask_cache,     ///< look up the repositories the cache remembers holding it, then call holders()
    mount,         ///< try a mount from current(), then call refused() unless it worked
    missing,       ///< neither the source nor the destination has it: an error
    check_resume,  ///< ask how far a remembered upload got, then call resume_answer()
    resume,        ///< continue the remembered upload
    upload,        ///< send the bytes, in the session a refused mount opened if it opened one
  };
  struct facts {
    std::string to_repo;                              ///< where the blob goes
    bool dst_registry = true;                         ///< mounts and resumed uploads need a registry destination
    bool in_source = true;                            ///< the source can supply the bytes
    bool cache = false;                               ///< a cache remembers who holds what
    std::optional<std::string> run_holder;            ///< a repository this run wrote or found it in
    std::optional<std::string> same_registry_source;  ///< the source repository, when both ends are one registry
    bool resumable = false;                           ///< a large blob uploaded in journaled chunks
  };
  struct candidate {
    std::string repository;
    bool remembered = false;  ///< from the cache: a refusal means the cache is stale there
  };

  explicit blob_plan(facts f);
  /// The first answer: whether the destination has the blob.
  step at_destination(bool has);
  /// After ask_cache: the repositories the cache remembers.
  step holders(const std::vector<std::string>& remembered);
  /// After mount: the repository to mount from.
  const candidate& current() const { return queue_[at_ - 1]; }
  /// The mount was refused; opened_session: the registry opened an ordinary upload instead (202).
  step refused(bool opened_session);
  /// After check_resume: the bytes the remembered upload held when last journaled (nullopt: none remembered) and
  /// the bytes the registry says it holds now (nullopt: the session is gone). resume only when they agree and
  /// bytes remain; otherwise upload afresh (and forget the remembered upload, if there was one).
  step resume_answer(std::optional<std::uint64_t> marked, std::optional<std::uint64_t> held, std::uint64_t size) const;

 private:
  void queue(const std::string& repository, bool remembered);
  step next_mount();
  step after_mounts() const;

  facts f_;
  std::vector<candidate> queue_;
  std::size_t at_ = 0;
  std::set<std::string> seen_;
  bool session_ = false;
};

}  // namespace ocimirror::transfer
