#include "tests/support/process.hpp"

#include <boost/process.hpp>

#include <cstdlib>
#include <filesystem>
#include <future>
#include <stdexcept>

namespace ocimirror::testing {
namespace bp = boost::process;

run_result run(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env,
               const std::string& stdin_text) {
  auto exe = argv.at(0).find('/') == std::string::npos ? bp::search_path(argv[0]) : boost::filesystem::path(argv[0]);
  if (exe.empty()) throw std::runtime_error("program not found in PATH: " + argv[0]);
  bp::environment e = boost::this_process::environment();
  for (const auto& [k, v] : env) e[k] = v;
  std::future<std::string> out, err;
  boost::asio::io_context io;
  bp::child c(exe, std::vector<std::string>(argv.begin() + 1, argv.end()), e, bp::std_out > out, bp::std_err > err,
              bp::std_in < boost::asio::buffer(stdin_text), io);
  io.run();
  c.wait();
  return run_result{c.exit_code(), out.get(), err.get()};
}

std::string ocimirror_bin() {
  if (const char* b = std::getenv("OCIMIRROR_BIN")) return b;
  return OCIMIRROR_BIN;
}

std::string make_temp_dir(const std::string& prefix) {
  std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

}  // namespace ocimirror::testing
