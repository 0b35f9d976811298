#include "policy/platform.hpp"

#include <cctype>

namespace ocimirror::policy {
namespace {
boost::system::result<platform_pattern, std::string> err(std::string what) {
  return {boost::system::in_place_error, std::move(what)};
}
}  // namespace

std::string platform_pattern::str() const { return os + "/" + architecture + (variant.empty() ? "" : "/" + variant); }

boost::system::result<platform_pattern, std::string> parse_platform(std::string_view text) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto slash = text.find('/', start);
    parts.emplace_back(text.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  if (parts.size() < 2 || parts.size() > 3)
    return err("platform '" + std::string(text) + "' must be os/arch or os/arch/variant (e.g. linux/arm64/v8)");
  for (const auto& p : parts) {
    if (p.empty()) return err("platform '" + std::string(text) + "' has an empty part");
    for (char c : p)
      if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
            c == '-' || c == '.'))
        return err("platform '" + std::string(text) + "' may use only lowercase letters, digits, '_', '-' and '.'");
  }
  return platform_pattern{parts[0], parts[1], parts.size() == 3 ? parts[2] : std::string()};
}

bool platform_selected(const transfer::descriptor& d, const std::vector<platform_pattern>& want,
                       bool keep_unplatformed) {
  if (!d.platform) return keep_unplatformed;
  for (const auto& w : want) {
    if (w.os != d.platform->os || w.architecture != d.platform->architecture) continue;
    if (w.variant.empty() || w.variant == d.platform->variant) return true;
    // arm64 images usually omit the implied v8 variant.
    if (w.architecture == "arm64" && w.variant == "v8" && d.platform->variant.empty()) return true;
  }
  return false;
}

}  // namespace ocimirror::policy
