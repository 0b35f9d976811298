// The mirror configuration loader on arbitrary YAML: it reports problems, never crashes.
#include "config/mirror_config.hpp"

#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  auto env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "SET") return std::string("value");
    return std::nullopt;
  };
  auto r = ocimirror::config::load_config_text(text, "fuzz.yaml", env);
  for (const auto& d : r.errors) (void)d.str();
  return 0;
}
