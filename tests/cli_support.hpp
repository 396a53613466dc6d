// Running the designsim command (or any shell line) from the source folder in a test, and a
// scratch folder for its output.
#pragma once

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <string>
#include <sys/wait.h>

#include "tests/checkout.hpp"

namespace test_support {

struct Outcome {
  int status = -1;
  std::string out;  // stdout and stderr, merged
};

/// Runs `command` through the shell in the source folder.
inline Outcome shell(const std::string& command) {
  std::string line = "cd " + std::string(checkout::source_dir) + " && " + command + " 2>&1";
  Outcome o;
  FILE* pipe = popen(line.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) o.out += buffer.data();
  int raw = pclose(pipe);
  o.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return o;
}

/// Runs the designsim binary under test with `args`.
inline Outcome designsim(const std::string& args) {
  return shell(std::string(checkout::designsim_binary) + " " + args);
}

/// An empty folder under the system's temporary folder, "designsim-<suite>-test-<name>".
inline std::filesystem::path scratch(const std::string& suite, const std::string& name) {
  std::filesystem::path dir = std::filesystem::temp_directory_path() / ("designsim-" + suite + "-test-" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace test_support
