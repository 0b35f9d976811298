#include "cache/sync_state.hpp"

#include "transfer/errors.hpp"

#include <boost/json.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>

namespace ocimirror::cache {
namespace json = boost::json;
namespace fs = std::filesystem;

sync_state sync_state::load(const fs::path& state_dir, const std::string& policy, bool read_only) {
  sync_state s;
  s.file_ = state_dir / "policies" / (policy + ".json");
  std::ifstream in(s.file_);
  if (!in) return s;
  std::stringstream ss;
  ss << in.rdbuf();
  try {
    auto doc = json::parse(ss.str()).as_object();
    for (const auto& entry : doc.at("tags").as_array()) {
      const auto& o = entry.as_object();
      s.records_[{std::string(o.at("repository").as_string()), std::string(o.at("tag").as_string())}] =
          tag_record{std::string(o.at("source_repository").as_string()), std::string(o.at("source_digest").as_string()),
                     std::string(o.at("destination_digest").as_string()), o.at("time").to_number<std::int64_t>()};
    }
  } catch (const std::exception& e) {
    s.records_.clear();
    if (read_only) {
      s.warning_ = "state file " + s.file_.string() + " is unreadable (" + e.what() + "); planning as if it were empty";
      return s;
    }
    auto aside = s.file_;
    aside += ".corrupt-" + std::to_string(std::chrono::system_clock::to_time_t(std::chrono::system_clock::now()));
    std::error_code ec;
    fs::rename(s.file_, aside, ec);
    s.warning_ = "state file " + s.file_.string() + " was unreadable (" + e.what() + "); moved to " + aside.string() +
                 " and starting afresh: prune skips tags until they are mirrored again";
  }
  return s;
}

const tag_record* sync_state::find(const key& k) const {
  auto it = records_.find(k);
  return it == records_.end() ? nullptr : &it->second;
}

void sync_state::save() const {
  json::array tags;
  for (const auto& [k, r] : records_)
    tags.push_back(json::object{{"repository", k.first}, {"tag", k.second}, {"source_repository", r.source_repo},
                                {"source_digest", r.source_digest}, {"destination_digest", r.destination_digest},
                                {"time", r.time}});
  const std::string text = json::serialize(json::object{{"version", 1}, {"tags", std::move(tags)}}) + "\n";
  std::error_code ec;
  fs::create_directories(file_.parent_path(), ec);
  fs::path tmp = file_;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  bool ok = fd >= 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  if (fd >= 0) ::close(fd);
  if (!ok || ::rename(tmp.c_str(), file_.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw transfer::error(transfer::errc::io, "cannot write state file " + file_.string());
  }
}

}  // namespace ocimirror::cache
