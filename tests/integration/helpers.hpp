#pragma once
// Helpers the integration suites share: run the ocimirror binary, ask skopeo (the independent client) what a
// registry holds, and read the registry's storage.
#include "tests/support/process.hpp"
#include "transfer/oci/digest.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace ocimirror::testing {

/// Runs ocimirror with `env` added to this process's environment. The host's own cloud metadata services are
/// switched off unless `env` says otherwise (an empty value turns one back on): a test never depends on whether the
/// machine it runs on is an EC2 instance with a role or a GCE VM.
inline run_result cli(std::vector<std::string> args, std::map<std::string, std::string> env = {},
                      const std::string& stdin_text = {}) {
  env.insert({{"AWS_EC2_METADATA_DISABLED", "true"}, {"NO_GCE_CHECK", "true"}});
  args.insert(args.begin(), ocimirror_bin());
  return run(args, env, stdin_text);
}

/// sha256 of `skopeo inspect --raw` of ref: the digest an independent client sees. Empty when skopeo failed.
inline std::string skopeo_digest(const std::string& ref, std::vector<std::string> flags = {"--tls-verify=false"}) {
  std::vector<std::string> argv{"skopeo", "inspect", "--raw"};
  argv.insert(argv.end(), flags.begin(), flags.end());
  argv.push_back("docker://" + ref);
  auto r = run(argv);
  if (r.exit_code != 0) return {};
  return transfer::sha256_digest(r.out);
}

/// True when the registry's filesystem storage holds a blob with this digest.
inline bool storage_has_blob(const std::string& storage, const std::string& digest) {
  std::string hex = digest.substr(7);
  return std::filesystem::exists(storage + "/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex +
                                 "/data");
}

inline std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }

/// A whole file's bytes (empty when it cannot be read).
inline std::string slurp_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

}  // namespace ocimirror::testing
