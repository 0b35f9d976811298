#pragma once
// The environment a config test loads under: exactly these variables, nothing from the process.
#include "config/mirror_config.hpp"

#include <map>
#include <optional>
#include <string>

namespace ocimirror::config::test_env {

inline env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    return it == vars.end() ? std::nullopt : std::optional(it->second);
  };
}

}  // namespace ocimirror::config::test_env
