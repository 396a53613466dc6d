// Rules of the tree that a compiler does not check: test names CTest can run, and no ambient
// time or randomness in the simulator or its models.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> sources_under(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(fs::path(DESIGNSIM_SOURCE_DIR) / folder))
    if (entry.is_regular_file() && (entry.path().extension() == ".cpp" || entry.path().extension() == ".hpp"))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

TEST_CASE("no test name holds a semicolon, which CTest's discovery would split into two names that run nothing", "[tidy]") {
  const std::regex name(R"re(TEST_CASE\("([^"]*)")re");
  std::size_t names = 0;
  for (const fs::path& file : sources_under("tests")) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      std::smatch m;
      if (!std::regex_search(line, m, name)) continue;
      ++names;
      INFO(file.string() << ": " << m[1]);
      CHECK(m[1].str().find(';') == std::string::npos);
    }
  }
  CHECK(names > 50);
}

TEST_CASE("the simulator and its models read no real clock and no real randomness", "[tidy]") {
  const std::regex ambient(R"(system_clock|steady_clock|high_resolution_clock|random_device|[^_a-z]s?rand\(|time\(nullptr|std::hash<)");
  for (const std::string folder : {"sim/kernel", "sim/scenario", "sim/results", "sim/run", "models"}) {
    for (const fs::path& file : sources_under(folder)) {
      std::ifstream in(file);
      std::string line;
      int number = 0;
      while (std::getline(in, line)) {
        ++number;
        if (!std::regex_search(line, ambient) || line.find("allowed:") != std::string::npos) continue;
        FAIL(file.string() << ":" << number << ": " << line);
      }
    }
  }
}
