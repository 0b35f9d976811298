#pragma once
// Runs a program to completion and captures what it printed: how tests drive the ocimirror binary, skopeo,
// openssl and htpasswd.
#include <functional>
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

#include <chrono>
#include <optional>

namespace ocimirror::testing {

/// A program left running (the daemon): stdout and stderr go to files the test reads while it runs. Killed with
/// SIGKILL when destroyed if it is still running.
class background {
 public:
  background(const std::vector<std::string>& argv, const std::string& log_dir);
  ~background();
  background(const background&) = delete;
  background& operator=(const background&) = delete;

  int pid() const { return pid_; }
  void signal(int sig) const;
  /// Its exit code once it exits within `limit` (128 + N when a signal N ended it); nullopt when still running.
  std::optional<int> wait(std::chrono::milliseconds limit);
  std::string err() const;  ///< what it wrote on stderr so far
  /// Polls stderr until `needle` appears; false after `limit`.
  bool wait_for_err(const std::string& needle, std::chrono::milliseconds limit) const;

 private:
  int pid_ = -1;
  std::optional<int> exit_;
  std::string err_path_;
};

/// Polls `ok` every 50 ms until it holds; false after `limit`.
bool eventually(const std::function<bool()>& ok, std::chrono::milliseconds limit);

}  // namespace ocimirror::testing
