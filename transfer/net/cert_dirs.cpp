#include "transfer/net/cert_dirs.hpp"

#include <cstdlib>
#include <filesystem>

namespace ocimirror::transfer {

std::vector<std::string> default_cert_roots() {
  std::vector<std::string> roots;
  if (const char* home = std::getenv("HOME"); home && *home)
    roots.push_back(std::string(home) + "/.config/containers/certs.d");
  roots.emplace_back("/etc/containers/certs.d");
  roots.emplace_back("/etc/docker/certs.d");
  return roots;
}

std::string cert_dir_for(const std::vector<std::string>& roots, std::string_view registry) {
  if (registry.empty() || registry.find('/') != std::string_view::npos || registry.starts_with(".")) return {};
  for (const auto& root : roots) {
    std::error_code ec;
    const auto dir = std::filesystem::path(root) / std::string(registry);
    if (std::filesystem::is_directory(dir, ec)) return dir.string();
  }
  return {};
}

}  // namespace ocimirror::transfer
