#pragma once
// An environment and a file system of the test's own, handed to the credential chains through their two callbacks.
#include "transfer/identity/environment.hpp"

#include <map>
#include <optional>
#include <string>

namespace ocimirror::testing {

struct fake_world {
  std::map<std::string, std::string> env, files;
  transfer::env_lookup_fn lookup() const {
    return [this](const char* n) -> std::optional<std::string> {
      auto it = env.find(n);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
  transfer::file_read_fn reader() const {
    return [this](const std::string& p) -> std::optional<std::string> {
      auto it = files.find(p);
      return it == files.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
  }
};

}  // namespace ocimirror::testing
