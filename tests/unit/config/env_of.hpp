#pragma once
// The environment a config test loads under (exactly these variables, nothing from the process), and the errors a
// text that must fail gives.
#include "config/mirror_config.hpp"

#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ocimirror::config::test_env {

inline env_lookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& k) -> std::optional<std::string> {
    auto it = vars.find(k);
    return it == vars.end() ? std::nullopt : std::optional(it->second);
  };
}

/// The diagnostics of a text that must not load, each as FILE:LINE:COL: path: problem.
inline std::vector<std::string> errors_of(const std::string& text, env_lookup env = env_of({})) {
  auto r = load_config_text(text, "m.yaml", env);
  EXPECT_FALSE(r.config);
  std::vector<std::string> out;
  for (const auto& d : r.errors) out.push_back(d.str());
  return out;
}

inline bool has(const std::vector<std::string>& errs, const std::string& needle) {
  for (const auto& e : errs)
    if (e.find(needle) != std::string::npos) return true;
  return false;
}

}  // namespace ocimirror::config::test_env
