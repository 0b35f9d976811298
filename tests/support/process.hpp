#pragma once
// Runs a program to completion and captures what it printed: how tests drive the ocimirror binary, skopeo,
// openssl and htpasswd.
#include <map>
#include <string>
#include <vector>

namespace ocimirror::testing {

struct run_result {
  int exit_code = -1;
  std::string out, err;
};

/// argv[0] is looked up in PATH unless it contains '/'. env entries are added to the inherited environment.
run_result run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
               const std::string& stdin_text = {});

/// The ocimirror binary under test (OCIMIRROR_BIN, set by CMake).
std::string ocimirror_bin();

/// A fresh directory under the system temp dir, removed by the caller's fixture.
std::string make_temp_dir(const std::string& prefix);

}  // namespace ocimirror::testing
