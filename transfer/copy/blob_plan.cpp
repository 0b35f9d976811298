#include "transfer/copy/blob_plan.hpp"

namespace ocimirror::transfer {

blob_plan::blob_plan(facts f) : f_(std::move(f)) { seen_.insert(f_.to_repo); }

void blob_plan::queue(const std::string& repository, bool remembered) {
  if (seen_.insert(repository).second) queue_.push_back({repository, remembered});
}

blob_plan::step blob_plan::at_destination(bool has) {
  if (has) return step::skip;
  if (!f_.dst_registry) return after_mounts();
  if (f_.run_holder) queue(*f_.run_holder, false);
  // The run's own knowledge settles it without the cache when the bytes can be sent anyway.
  if (f_.cache && (queue_.empty() || !f_.in_source)) return step::ask_cache;
  return holders({});
}

blob_plan::step blob_plan::holders(const std::vector<std::string>& remembered) {
  for (const auto& r : remembered) queue(r, true);
  if (f_.same_registry_source) queue(*f_.same_registry_source, false);
  return next_mount();
}

blob_plan::step blob_plan::next_mount() {
  if (at_ < queue_.size()) {
    ++at_;
    return step::mount;
  }
  return after_mounts();
}

blob_plan::step blob_plan::refused(bool opened_session) {
  session_ = opened_session;
  // One refusal is enough when the bytes can be sent instead; a bundle without them tries every holder.
  return f_.in_source ? after_mounts() : next_mount();
}

blob_plan::step blob_plan::after_mounts() const {
  if (!f_.in_source) return step::missing;
  if (session_ || !f_.resumable) return step::upload;
  return step::check_resume;
}

blob_plan::step blob_plan::resume_answer(std::optional<std::uint64_t> marked, std::optional<std::uint64_t> held,
                                         std::uint64_t size) const {
  return marked && held && *held == *marked && *held < size ? step::resume : step::upload;
}

}  // namespace ocimirror::transfer
