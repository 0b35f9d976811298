// Replays fuzz inputs without libFuzzer (any compiler): each file named, or each file in each folder named, is
// passed once to the target. ctest runs it over tests/fuzz/corpus/TARGET, so every crash once found stays fixed.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {
void replay(const std::filesystem::path& p, std::size_t& count) {
  std::ifstream in(p, std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), {});
  LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
  ++count;
}
}  // namespace

int main(int argc, char** argv) {
  std::size_t count = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::filesystem::is_directory(argv[i])) {
      for (const auto& e : std::filesystem::directory_iterator(argv[i]))
        if (e.is_regular_file()) replay(e.path(), count);
    } else {
      replay(argv[i], count);
    }
  }
  std::cout << count << " inputs replayed\n";
  return count ? 0 : 1;
}
