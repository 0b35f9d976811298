#include "transfer/net/adaptive_limit.hpp"

#include <algorithm>

namespace ocimirror::transfer {

adaptive_limit::adaptive_limit(std::size_t max) : max_(std::max<std::size_t>(max, 1)), limit_(max_) {}

void adaptive_limit::throttled() {
  if (unheard_ > 0) {  // sent before the last cut: that refusal is already answered for
    --unheard_;
    return;
  }
  unheard_ = limit_ - 1;  // the others in flight when this one was refused
  limit_ = std::max<std::size_t>(limit_ / 2, 1);
  answers_ = queued_ = 0;
}

void adaptive_limit::succeeded() { count(false); }

void adaptive_limit::answered(duration took) {
  round_fastest_ = std::min(round_fastest_, took);
  const bool queued = floor_ != duration::max() && took > floor_ * 2 + noise;
  floor_ = std::min(floor_, took);
  count(queued);
}

void adaptive_limit::count(bool queued) {
  if (unheard_ > 0) --unheard_;
  ++answers_;
  queued_ += queued ? 1 : 0;
  if (answers_ >= limit_) end_round();
}

void adaptive_limit::end_round() {
  if (queued_ * 2 > answers_)
    limit_ = std::max<std::size_t>(limit_ * 3 / 4, 1);
  else if (limit_ < max_)
    ++limit_;
  if (++rounds_ % floor_rounds == 0 && round_fastest_ != duration::max()) floor_ = round_fastest_;
  round_fastest_ = duration::max();
  answers_ = queued_ = 0;
}

}  // namespace ocimirror::transfer
