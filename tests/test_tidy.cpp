// Rules of the tree that a compiler does not check: test names CTest can run, each with a label;
// no ambient time or randomness, no standard distributions, no two draws in one statement and no
// iteration over unordered containers in the simulator and its models; short functions; lines
// within .clang-format's ColumnLimit (scripts/format-long-lines wraps the ones past it).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "tests/checkout.hpp"
#include "tests/tidy_rules.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path source_dir = checkout::source_dir;

/// A function fits on a screen: 60 lines, which every function in the tree meets once the run
/// and sweep commands hand their checks and reports to helpers of their own.
constexpr int function_lines_max = 60;

std::vector<fs::path> sources_under(const std::string& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(source_dir / folder))
    if (entry.is_regular_file() && (entry.path().extension() == ".cpp" || entry.path().extension() == ".hpp"))
      files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<fs::path> sources_under(std::initializer_list<const char*> folders) {
  std::vector<fs::path> files;
  for (const char* folder : folders) {
    std::vector<fs::path> found = sources_under(folder);
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string where(const fs::path& file, int line) {
  return fs::relative(file, source_dir).generic_string() + ":" + std::to_string(line);
}

std::size_t column_limit() {
  std::smatch m;
  std::string style = read_text(source_dir / ".clang-format");
  if (!std::regex_search(style, m, std::regex(R"((^|\n)ColumnLimit:\s*(\d+))"))) return 0;
  return std::stoul(m[2].str());
}

/// The Catch2 tags that cmake/tests.cmake turns into CTest labels.
std::set<std::string> labelled_tags() {
  std::set<std::string> tags;
  std::string cmake = read_text(source_dir / "cmake" / "tests.cmake");
  const std::regex group(R"(\ndesignsim_test_group\((\w+)((?:\s+[\w-]+)+)\))");
  for (auto it = std::sregex_iterator(cmake.begin(), cmake.end(), group); it != std::sregex_iterator(); ++it) {
    std::istringstream words((*it)[2].str());
    for (std::string tag; words >> tag;) tags.insert("[" + tag + "]");
  }
  return tags;
}

}  // namespace

TEST_CASE("every test name is one CTest can run, and every test has a tag that gives it a label", "[tidy]") {
  // A semicolon would make CTest's discovery split one name into two that run nothing.
  const std::regex test_case(R"re(TEST_CASE\(\s*"((?:[^"\\]|\\.)*)"\s*,\s*"([^"]*)"\s*\))re");
  const std::regex tag(R"(\[[^\]]*\])");
  std::set<std::string> labelled = labelled_tags();
  REQUIRE(labelled.size() >= 10);
  std::size_t names = 0;
  for (const fs::path& file : sources_under("tests")) {
    std::string text = read_text(file);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), test_case); it != std::sregex_iterator(); ++it) {
      ++names;
      std::string name = (*it)[1].str(), tags = (*it)[2].str();
      INFO(fs::relative(file, source_dir).generic_string() << ": " << name << " " << tags);
      CHECK(name.find(';') == std::string::npos);
      if (tags.rfind("[.", 0) == 0) continue;  // hidden: run by name only (the golden replays)
      bool has_label = false;
      for (auto t = std::sregex_iterator(tags.begin(), tags.end(), tag); t != std::sregex_iterator(); ++t)
        has_label |= labelled.count(t->str()) > 0;
      CHECK(has_label);
    }
  }
  CHECK(names > 250);
}

TEST_CASE("the simulator, its models and its reports read no real clock and no real randomness", "[tidy]") {
  const std::regex ambient(
      R"(system_clock|steady_clock|high_resolution_clock|random_device|[^_a-z]s?rand\(|time\(nullptr|std::hash<)");
  for (const fs::path& file :
       sources_under({"sim/kernel", "sim/scenario", "sim/results", "sim/run", "models", "reports"})) {
    std::ifstream in(file);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (!std::regex_search(line, ambient) || line.find("allowed:") != std::string::npos) continue;
      FAIL(where(file, number) << ": " << line);
    }
  }
}

TEST_CASE("the simulator and its models draw through their own distributions, never std::*_distribution", "[tidy]") {
  const std::regex distribution(R"(std::\w+_distribution\b)");
  for (const fs::path& file : sources_under({"sim", "models"})) {
    std::string code = tidy::code_only(read_text(file));
    std::smatch m;
    if (!std::regex_search(code, m, distribution)) continue;
    FAIL_CHECK(where(file, 1 + static_cast<int>(std::count(code.begin(), code.begin() + m.position(0), '\n')))
               << ": " << m.str());
  }
}

TEST_CASE("the simulator and its models never iterate an unordered container", "[tidy]") {
  std::vector<fs::path> files = sources_under({"sim", "models"});
  std::set<std::string> names;
  for (const fs::path& file : files) names.merge(tidy::unordered_names(tidy::code_only(read_text(file))));
  for (const fs::path& file : files)
    for (int line : tidy::iterations_over(tidy::code_only(read_text(file)), names))
      FAIL_CHECK(where(file, line) << ": iterates an unordered container; keep an ordered one or sort first");
}

TEST_CASE("no statement draws twice from one random stream, whose order C++ leaves to the compiler", "[tidy]") {
  for (const fs::path& file : sources_under({"sim", "models"}))
    for (int line : tidy::repeated_draws(tidy::code_only(read_text(file))))
      FAIL_CHECK(where(file, line) << ": two draws in one statement; draw each into a variable first");
}

TEST_CASE("no function is longer than a screen", "[tidy]") {
  for (const fs::path& file : sources_under({"sim", "models", "reports", "conform"})) {
    for (const tidy::Function& f : tidy::functions_in(tidy::code_only(read_text(file)))) {
      INFO(where(file, f.first_line) << ": a function of " << f.lines << " lines; split it");
      CHECK(f.lines <= function_lines_max);
    }
  }
}

TEST_CASE("no line is wider than .clang-format's ColumnLimit", "[tidy]") {
  std::size_t limit = column_limit();
  REQUIRE(limit >= 80);
  for (const fs::path& file : sources_under({"sim", "models", "reports", "conform", "tests"})) {
    std::ifstream in(file);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
      ++number;
      if (tidy::columns(line) <= limit) continue;
      FAIL_CHECK(where(file, number) << ": " << tidy::columns(line) << " columns; scripts/format-long-lines wraps it");
    }
  }
}

TEST_CASE("the tidy scanners find what the rules ban", "[tidy]") {
  const std::string sample = R"cpp(// a comment with { and "quotes" and std::uniform_int_distribution
#include <unordered_map>
                                   std::unordered_map<std::string, std::vector<int>> by_name;
                                   const char* text = "a string with } and { braces";
                                   const char* raw = R"x(raw with } and
a second line)x";
                                   char brace = '{';
                                   int f(int x) {
                                     for (const auto& [name, values] : by_name) x += 1'000;
                                     return x;
                                   }
                                   struct S {
                                     std::unordered_set<int>* seen_;
                                     void g() const {
                                       for (int v : *seen_) h(v);
                                       auto it = seen_->begin();
                                     }
                                   };
  )cpp";
  std::string code = tidy::code_only(sample);
  CHECK(std::count(code.begin(), code.end(), '\n') == std::count(sample.begin(), sample.end(), '\n'));
  CHECK(code.find("distribution") == std::string::npos);
  CHECK(code.find("braces") == std::string::npos);
  CHECK(code.find("second line") == std::string::npos);
  std::vector<tidy::Function> functions = tidy::functions_in(code);
  REQUIRE(functions.size() == 2);
  CHECK(functions[0].first_line == 8);
  CHECK(functions[0].lines == 4);
  CHECK(functions[1].first_line == 14);
  CHECK(functions[1].lines == 4);
  std::set<std::string> names = tidy::unordered_names(code);
  CHECK(names == std::set<std::string>{"by_name", "seen_"});
  CHECK(tidy::iterations_over(code, names) == std::vector<int>{9, 15, 16});
  std::string draws = tidy::code_only(
      "id = fmt::format(\"{}{}\", rng_.next_u64(),\n rng_.next_u64());\n"
      "a = rng.below(3);\nb = rng.below(4) + other.below(5);\n"
      "d = lag.sample(rng) + jitter.sample(rng);\nx = sample_normal(rng, 0, 1);\n");
  CHECK(tidy::repeated_draws(draws) == std::vector<int>{2, 5});
  CHECK(tidy::columns("Hörmann") == 7);
}
