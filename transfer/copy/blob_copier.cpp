#include "transfer/copy/blob_copier.hpp"

#include "transfer/copy/blob_pipe.hpp"
#include "transfer/oci/errors.hpp"

#include <utility>

namespace ocimirror::transfer {

awaitable<void> blob_copier::copy(const descriptor& d) {
  auto& p = progress;
  std::optional<blob_gate::lease> held;
  if (opts.gate) held.emplace(co_await opts.gate->acquire(dst.name(), d.digest));
  // One permit from each registry involved, taken in name order so two copies in opposite directions cannot
  // each hold what the other waits for.
  std::optional<concurrency::permit> first, second;
  auto* a = sreg ? sreg : dreg;
  auto* b = dreg ? dreg : sreg;
  if (a && b && b->name() < a->name()) std::swap(a, b);
  if (a) first.emplace(co_await a->limiter().acquire());
  if (b && b != a) second.emplace(co_await b->limiter().acquire());
  struct active {
    std::size_t& n;
    explicit active(std::size_t& c) : n(c) { ++n; }
    ~active() { --n; }
  } in_flight(p.blobs_active);
  retry_budget blob(budget_kind::blob, policy().blob);
  // A registry source is asked by the GET itself (its error is the clearer); a layout may lack what a bundle left
  // out.
  const bool in_source = sreg || (co_await src.blob_size(from.repository, d.digest)).has_value();
  blob_plan plan(facts_of(d, in_source));
  std::optional<std::uint64_t> there;
  if (fresh()) {
    if (opts.gate->holds(dst.name(), d.digest, to.repository)) there = d.size;
  } else if (dreg)
    there = co_await dreg->blob_size(to.repository, d.digest, &blob);
  else
    there = co_await dst.blob_size(to.repository, d.digest);
  auto step = plan.at_destination(there.has_value());
  if (step == blob_plan::step::skip) {
    co_await done(d, stats.blobs_skipped);
    co_return;
  }
  std::optional<registry_client::upload_session> session;  // a refused mount may leave an upload open (202)
  if (co_await mount(d, plan, step, session, blob)) {
    co_await done(d, stats.blobs_mounted);
    co_return;
  }
  if (step == blob_plan::step::missing)
    throw error(errc::bad_archive, "blob " + d.digest + " is neither in " + src.name() + " nor at " + dst.name() + "/" +
                                       to.repository + " (an incremental bundle whose base was not imported first?)");
  if (step == blob_plan::step::check_resume) session = co_await resumable_session(d, plan, blob);
  co_await transfer_blob(d, std::move(session), blob);
  co_await done(d, stats.blobs_copied);
}

blob_plan::facts blob_copier::facts_of(const descriptor& d, bool in_source) const {
  blob_plan::facts f;
  f.to_repo = to.repository;
  f.dst_registry = dreg != nullptr;
  f.in_source = in_source;
  f.cache = opts.memory != nullptr;
  if (opts.gate) f.run_holder = opts.gate->holder(dst.name(), d.digest);
  if (sreg && dreg && sreg->name() == dreg->name()) f.same_registry_source = from.repository;
  // Between registries only: blob_pipe re-reads and hashes the bytes a session holds without sending them again.
  f.resumable = sreg && dreg && opts.memory && d.size > uploads().monolithic_max && uploads().chunk_size;
  return f;
}

upload_options blob_copier::uploads() const { return dreg ? dreg->uploads(opts.pipe.upload) : opts.pipe.upload; }

retry_policy blob_copier::policy() const {
  if (auto* r = sreg ? sreg : dreg) return r->policy();
  return {};
}

awaitable<bool> blob_copier::again(retry_budget& b) {
  if (auto* r = sreg ? sreg : dreg) co_return co_await r->retry(b);
  co_return b.spend();
}

awaitable<void> blob_copier::done(const descriptor& d, std::size_t& counter) {
  co_await confirmed(d.digest);
  ++counter;
  ++progress.blobs_done;
}

/// Mounts d from the repositories the plan names: one written earlier in this run, those the cache remembers, or
/// the source on the same registry. The cache may be stale: a refused mount corrects it.
awaitable<bool> blob_copier::mount(const descriptor& d, blob_plan& plan, blob_plan::step& step,
                                   std::optional<registry_client::upload_session>& session, retry_budget& blob) {
  if (step == blob_plan::step::ask_cache) {
    const auto remembered = co_await opts.memory->holders(dst.name(), d.digest);
    step = plan.holders(remembered);
  }
  while (step == blob_plan::step::mount) {
    const auto& from_repo = plan.current().repository;
    auto m = co_await dreg->mount_blob(to.repository, d.digest, from_repo, &blob);
    if (m.mounted) co_return true;
    if (plan.current().remembered) co_await opts.memory->not_held(dst.name(), d.digest, from_repo);
    session = std::move(m.session);
    step = plan.refused(session.has_value());
  }
  co_return false;
}

/// The bytes themselves, sent again whole after throttling, 5xx or a broken connection the reader could not resume
/// (a streamed upload cannot be re-sent alone: its bytes are spent), and after a digest mismatch (bytes flipped in
/// transit) within the re-fetch budget. Each retry is spent from the blob's budget too.
awaitable<void> blob_copier::transfer_blob(const descriptor& d, std::optional<registry_client::upload_session> session,
                                           retry_budget& blob) {
  auto& p = progress;
  p.bytes_total += d.size;
  p.moving.push_back({to.repository, d.digest, d.size, 0});
  struct shown_while_moving {
    std::list<blob_in_flight>& all;
    std::list<blob_in_flight>::iterator it;
    ~shown_while_moving() { all.erase(it); }
  } shown{p.moving, std::prev(p.moving.end())};
  const auto journaled = journal(d.digest);  // a named local: GCC 12 mishandles temporaries across co_await
  retry_budget refetches(budget_kind::refetch, policy().refetch, &blob);
  for (;;) {
    std::uint64_t moved = 0;
    std::exception_ptr broken;
    bool mismatch = false;
    const auto count = [&](std::size_t n) {
      moved += n;
      p.bytes_done += n;
      shown.it->done += n;
      stats.bytes_copied += n;
    };
    try {
      // A session serves one attempt.
      co_await move_bytes(d, std::exchange(session, std::nullopt), count, journaled, blob);
    } catch (const error& e) {
      mismatch = e.code() == errc::digest_mismatch;
      if (!mismatch && !retryable(e.code())) throw;
      broken = std::current_exception();
    }
    if (!broken) break;
    retry_budget& spend_from = mismatch ? refetches : blob;
    const bool retried = co_await again(spend_from);
    if (!retried) std::rethrow_exception(broken);
    p.bytes_done -= moved;
    shown.it->done -= moved;
    stats.bytes_copied -= moved;
  }
  if (journaled && d.size > uploads().monolithic_max)
    co_await opts.memory->clear_upload(dst.name(), to.repository, d.digest);
}

awaitable<void> blob_copier::move_bytes(const descriptor& d, std::optional<registry_client::upload_session> session,
                                        const std::function<void(std::size_t)>& count,
                                        const registry_client::upload_journal& journaled, retry_budget& blob) {
  if (sreg && dreg) {  // ranged parallel reads, Range-resumed GETs, resumable chunked uploads
    co_await pipe_blob(*sreg, from.repository, *dreg, to.repository, d, opts.pipe, std::move(session), count, journaled,
                       blob);
    co_return;
  }
  http_client::chunk_source raw;
  if (sreg)  // into a layout: one GET resumed with Range, its retries inside the blob's budget
    raw = read_blob(*sreg, from.repository, d, opts.pipe, blob);
  else
    raw = co_await src.open_blob(from.repository, d.digest);
  auto checked = verified_source(std::move(raw), d, "blob " + src_name(d.digest), count);
  // A session here is one a refused mount opened (nothing in it yet); uploads from a layout are not journaled.
  if (dreg)
    co_await dreg->push_blob(to.repository, d.digest, d.size, std::move(checked), opts.pipe.upload, std::move(session),
                             journaled, &blob);
  else
    co_await dst.put_blob(to.repository, d.digest, d.size, std::move(checked));
}

/// The destination holds d in to.repository: later copies of this run, and later runs, may mount it from there.
awaitable<void> blob_copier::confirmed(const std::string& digest) {
  if (opts.gate) opts.gate->record(dst.name(), digest, to.repository);
  if (opts.memory && dreg) co_await opts.memory->held(dst.name(), digest, to.repository);
}

/// Where an earlier process left a chunked upload of d that the registry still holds: continue it, when the
/// registry holds what the journal says.
awaitable<std::optional<registry_client::upload_session>> blob_copier::resumable_session(const descriptor& d,
                                                                                         const blob_plan& plan,
                                                                                         retry_budget& blob) {
  const auto mark = co_await opts.memory->upload(dst.name(), to.repository, d.digest);
  std::optional<registry_client::upload_session> s;
  if (mark) {
    try {
      s = co_await dreg->upload_status(to.repository, mark->location, &blob);
    } catch (const error&) {}
  }
  const auto marked = mark ? std::optional<std::uint64_t>(mark->offset) : std::nullopt;
  const auto held = s ? std::optional<std::uint64_t>(s->offset) : std::nullopt;
  if (plan.resume_answer(marked, held, d.size) == blob_plan::step::resume) {
    ++stats.uploads_resumed;
    co_return s;
  }
  if (mark) co_await opts.memory->clear_upload(dst.name(), to.repository, d.digest);  // not where we left it
  co_return std::nullopt;
}

registry_client::upload_journal blob_copier::journal(const std::string& digest) {
  if (!sreg || !dreg || !opts.memory || uploads().chunk_size == 0) return {};
  // Not a coroutine: GCC 12 destroys temporaries built inside a co_await expression twice.
  return [this, digest](const std::string& location, std::uint64_t offset) -> awaitable<void> {
    const blob_memory::upload_point at{location, offset};
    return opts.memory->set_upload(dst.name(), to.repository, digest, at);
  };
}

}  // namespace ocimirror::transfer
