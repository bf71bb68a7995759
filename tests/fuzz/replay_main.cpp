// Runs a fuzz target's LLVMFuzzerTestOneInput over files (or every file of directories) without libFuzzer,
// so that each corpus is a regression test in every build. A crash or sanitizer report fails the test.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace fs = std::filesystem;

int main(int argc, char** argv) {
  std::vector<fs::path> inputs;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    if (fs::is_directory(arg)) {
      for (const auto& entry : fs::directory_iterator(arg))
        if (entry.is_regular_file()) inputs.push_back(entry.path());
    } else if (fs::is_regular_file(arg)) {
      inputs.push_back(arg);
    } else {
      std::cerr << "replay: " << arg.string() << ": no such file or directory\n";
      return 1;
    }
  }
  if (inputs.empty()) {
    std::cerr << "usage: " << (argc > 0 ? argv[0] : "replay") << " FILE_OR_DIR...  (found no input to replay)\n";
    return 1;
  }
  std::sort(inputs.begin(), inputs.end());
  for (const auto& input : inputs) {
    // Named before it runs: if it crashes, the last line of the log is the culprit.
    std::cerr << "replay: " << input.string() << std::endl;
    std::ifstream in(input, std::ios::binary);
    const std::vector<char> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<std::uint8_t> data(bytes.size());
    std::transform(bytes.begin(), bytes.end(), data.begin(), [](char c) { return static_cast<std::uint8_t>(c); });
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  std::cout << "replayed " << inputs.size() << " inputs\n";
  return 0;
}
