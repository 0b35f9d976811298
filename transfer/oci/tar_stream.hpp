#pragma once
// A tar read front to back as its bytes arrive (a layer being gunzipped off the network), never seeking and never
// holding more than one header: each piece fed is cut into headers, PAX records and member bytes, and what it means
// is handed to a sink. The checks are tar.hpp's (parse_header, parse_pax: no links, devices, absolute names or
// '..'), plus the bounds a stream needs: members counted, their bytes summed, names never twice. Pure.
#include "transfer/oci/tar.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

namespace ocimirror::transfer::tar {

/// What a stream holds, in order. Throwing from any of these stops the stream.
class stream_sink {
 public:
  virtual ~stream_sink() = default;
  virtual void directory(const std::string& name, std::uint32_t mode) = 0;
  virtual void file_begin(const std::string& name, std::uint64_t size, std::uint32_t mode) = 0;
  virtual void file_data(std::string_view bytes) = 0;
  virtual void file_end() = 0;
};

struct stream_limits {
  std::uint64_t max_entries = 100'000;     ///< files and directories
  std::uint64_t max_bytes = 100ull << 20;  ///< the files' sizes, summed (flux's untar stops at 100 MiB)
};

class stream_reader {
 public:
  /// `what` names the stream in errors ("layer sha256:… of REF").
  stream_reader(stream_sink& sink, stream_limits limits, std::string what);
  /// Throws transfer::error: bad_archive (a malformed or refused member, with its byte offset), too_large (past a
  /// limit).
  void feed(std::string_view bytes);
  /// After the last piece: throws bad_archive unless the end-of-archive marker was read.
  void finish() const;
  std::uint64_t files() const { return files_; }

 private:
  enum class step { header, pax_records, body, padding, done };
  void on_header();
  void on_pax();
  [[noreturn]] void refuse(const std::string& why) const;

  stream_sink& sink_;
  stream_limits limits_;
  std::string what_;
  step step_ = step::header;
  std::array<char, block> head_{};
  std::size_t have_ = 0;          ///< bytes of head_ (or of pax_) gathered so far
  std::string pax_;               ///< the records of a PAX header being read
  char pax_kind_ = 0;             ///< 'x' or 'g'
  std::optional<tar::pax> next_;  ///< an 'x' header's records, for the member after it
  std::uint64_t left_ = 0;        ///< bytes of the current body, or of its padding, still to come
  std::uint64_t offset_ = 0;      ///< bytes read so far: where an error is
  std::uint64_t entries_ = 0, files_ = 0, bytes_ = 0;
  std::map<std::string, kind> names_;  ///< bounded by max_entries
};

}  // namespace ocimirror::transfer::tar
