#include "daemon/cli/push_inputs.hpp"

#include "transfer/artifact/artifact.hpp"
#include "transfer/net/file_io.hpp"
#include "transfer/oci/errors.hpp"
#include "transfer/oci/tar.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <stdexcept>

namespace ocimirror::daemon {
namespace fs = std::filesystem;
using transfer::errc;
using transfer::error;

namespace {

std::string read_member(const std::string& tar, const transfer::tar::member& m) {
  std::string text(m.size, '\0');
  transfer::file::fd f(transfer::file::open_or_throw(tar, O_RDONLY));
  transfer::file::pread_all(f.n, text.data(), text.size(), m.offset, tar);
  return text;
}

std::string format_rfc3339(std::time_t t, bool local) {
  std::tm tm{};
  if (local)
    ::localtime_r(&t, &tm);
  else
    ::gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = buf;
  const long off = local ? tm.tm_gmtoff : 0;
  if (off == 0) return out + "Z";
  const long a = off < 0 ? -off : off;
  std::snprintf(buf, sizeof buf, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, (a / 60) % 60);
  return out + buf;
}

}  // namespace

transfer::helm::metadata read_chart(const std::string& tgz_path) {
  if (fs::is_directory(tgz_path))
    throw error(errc::io, tgz_path + " is a directory; push a packaged chart (helm package DIR makes one)");
  // A private directory (mkdtemp, 0700) holds the inflated chart: no predictable /tmp name to plant a link at.
  const auto scratch_dir = transfer::file::make_temp_dir("", "ocimirror-chart-");
  const auto tar = transfer::file::make_temp_file(scratch_dir.path, "chart.tar-");
  const fs::path scratch = tar.path;
  transfer::artifact::gunzip_file(tgz_path, tar, 256u << 20);
  const auto members = transfer::tar::index::scan(scratch.string());
  // helm's LoadArchive drops each name's first segment: the chart's own files are <top>/Chart.yaml and so on.
  const transfer::tar::member *chart = nullptr, *requirements = nullptr;
  for (const auto& [name, m] : members.files) {
    const auto slash = name.find('/');
    if (slash == std::string::npos) {
      if (name == "Chart.yaml") throw error(errc::bad_archive, tgz_path + ": chart yaml not in base directory");
      continue;
    }
    const auto rest = std::string_view(name).substr(slash + 1);
    if (rest == "Chart.yaml" && !chart) chart = &m;
    if (rest == "requirements.yaml" && !requirements) requirements = &m;
  }
  if (!chart) throw error(errc::bad_archive, tgz_path + " is not a Helm chart: Chart.yaml file is missing");
  const auto req = requirements ? read_member(scratch.string(), *requirements) : std::string();
  auto meta = transfer::helm::parse(read_member(scratch.string(), *chart), req);
  if (!meta) throw error(errc::bad_archive, tgz_path + ": " + meta.error());
  if (auto problem = transfer::helm::validate(*meta); !problem.empty())
    throw error(errc::bad_archive, tgz_path + ": " + problem);
  return *meta;
}

std::string file_time_rfc3339(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw error(errc::io, "cannot stat " + path);
  return format_rfc3339(st.st_mtime, true);
}

std::string created_default() {
  std::time_t t = 0;
  if (const char* sde = std::getenv("SOURCE_DATE_EPOCH")) t = static_cast<std::time_t>(std::strtoll(sde, nullptr, 10));
  return format_rfc3339(t, false);
}

std::map<std::string, std::string> flux_annotations(const std::string& created, const std::string& source,
                                                    const std::string& revision,
                                                    const std::vector<std::string>& extra) {
  std::map<std::string, std::string> a{{"org.opencontainers.image.created", created},
                                       {"org.opencontainers.image.source", source},
                                       {"org.opencontainers.image.revision", revision}};
  for (const auto& kv : extra) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || eq == 0)
      throw std::invalid_argument("--annotation wants KEY=VALUE, not '" + kv + "'");
    a[kv.substr(0, eq)] = kv.substr(eq + 1);
  }
  if (a["org.opencontainers.image.created"].empty()) a["org.opencontainers.image.created"] = created;
  return a;
}

}  // namespace ocimirror::daemon
