#include "transfer/oci/tar_stream.hpp"

#include "transfer/oci/errors.hpp"

#include <algorithm>

namespace ocimirror::transfer::tar {

stream_reader::stream_reader(stream_sink& sink, stream_limits limits, std::string what)
    : sink_(sink), limits_(limits), what_(std::move(what)) {}

void stream_reader::refuse(const std::string& why) const {
  throw error(errc::bad_archive, what_ + " at byte " + std::to_string(offset_) + ": " + why);
}

void stream_reader::feed(std::string_view bytes) {
  while (!bytes.empty()) {
    switch (step_) {
      case step::done:  // zero blocks after the marker (tar pads to a record): nothing more is read
        offset_ += bytes.size();
        return;
      case step::header: {
        const auto n = std::min(bytes.size(), block - have_);
        std::copy_n(bytes.data(), n, head_.data() + have_);
        have_ += n, offset_ += n, bytes.remove_prefix(n);
        if (have_ == block) {
          have_ = 0;
          on_header();
        }
        break;
      }
      case step::pax_records: {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), left_));
        pax_.append(bytes.substr(0, n));
        left_ -= n, offset_ += n, bytes.remove_prefix(n);
        if (left_ == 0) on_pax();
        break;
      }
      case step::body: {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), left_));
        if (n) sink_.file_data(bytes.substr(0, n));
        left_ -= n, offset_ += n, bytes.remove_prefix(n);
        if (left_ == 0) {
          sink_.file_end();
          left_ = padding(offset_);
          step_ = left_ ? step::padding : step::header;
        }
        break;
      }
      case step::padding: {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), left_));
        left_ -= n, offset_ += n, bytes.remove_prefix(n);
        if (left_ == 0) step_ = step::header;
        break;
      }
    }
  }
}

void stream_reader::on_header() {
  auto h = parse_header(head_, next_ ? next_->path : std::nullopt);
  if (!h) refuse(h.error());
  if (h->end) {
    if (next_) refuse("the archive ends right after a PAX header");
    step_ = step::done;
    return;
  }
  if (h->extension) {
    if (h->e.size > (1u << 20)) refuse("a PAX header of " + std::to_string(h->e.size) + " bytes");
    pax_.clear();
    pax_kind_ = h->extension;
    left_ = h->e.size;
    step_ = left_ ? step::pax_records : step::header;
    if (!left_) on_pax();
    return;
  }
  if (next_) {  // its path went into parse_header; its size wins over the ustar field
    if (next_->size && h->e.type == kind::file) h->e.size = *next_->size;
    next_.reset();
  }
  if (h->root) return;
  if (++entries_ > limits_.max_entries)
    throw error(errc::too_large, what_ + " holds more than " + std::to_string(limits_.max_entries) + " entries");
  // A directory named twice is one directory (GNU tar writes `tar cf - d d/sub` so); a file twice, or a file and a
  // directory of one name, is refused: which would be meant?
  const auto [seen, fresh] = names_.emplace(h->e.name, h->e.type);
  if (!fresh && (seen->second != kind::directory || h->e.type != kind::directory))
    refuse("member '" + h->e.name + "' appears twice");
  if (h->e.type == kind::directory) {
    if (fresh) sink_.directory(h->e.name, h->e.mode);
    return;
  }
  if (h->e.size > limits_.max_bytes - std::min(bytes_, limits_.max_bytes))
    throw error(errc::too_large, what_ + " unpacks to more than " + std::to_string(limits_.max_bytes >> 20) +
                                     " MiB (member '" + h->e.name + "' at byte " + std::to_string(offset_) +
                                     "); raise --max-size if that is meant");
  bytes_ += h->e.size;
  ++files_;
  sink_.file_begin(h->e.name, h->e.size, h->e.mode);
  left_ = h->e.size;
  if (left_) {
    step_ = step::body;
  } else {
    sink_.file_end();
  }
}

void stream_reader::on_pax() {
  auto p = parse_pax(pax_);
  if (!p) refuse(p.error());
  if (pax_kind_ == 'x') next_ = std::move(*p);
  left_ = padding(offset_);
  step_ = left_ ? step::padding : step::header;
}

void stream_reader::finish() const {
  if (step_ != step::done)
    throw error(errc::bad_archive, what_ + " is truncated: it ends at byte " + std::to_string(offset_) +
                                       " without the end-of-archive marker");
}

}  // namespace ocimirror::transfer::tar
