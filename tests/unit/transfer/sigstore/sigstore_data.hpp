#pragma once
// The Sigstore test data (tests/sigstore, sources in tests/sigstore/SOURCES.md), read for the unit tests.
#include "transfer/sigstore/trusted_root.hpp"

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>

namespace ocimirror::testing::sigstore_data {

inline const std::filesystem::path dir = std::filesystem::path(OCIMIRROR_SOURCE_DIR) / "tests/sigstore";

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Sigstore's production trusted root (sigstore/root-signing), parsed once.
inline std::shared_ptr<const transfer::sigstore::trusted_root> production() {
  static auto root = std::make_shared<const transfer::sigstore::trusted_root>(
      *transfer::sigstore::parse_trusted_root(slurp(dir / "trusted_root_public_good.json")));
  return root;
}

}  // namespace ocimirror::testing::sigstore_data
