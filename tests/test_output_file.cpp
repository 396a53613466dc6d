// Goal: an output file is replaced whole or not at all. A write that fails (a full disk, a file
// size limit) leaves the old file as it was, leaves no temporary file behind, and says which
// file failed and the system's reason.
#include <catch2/catch.hpp>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/output_file.hpp"

namespace fs = std::filesystem;
using sim::report::OutputError;
using sim::report::OutputFile;
using sim::report::write_output_file;

namespace {

fs::path scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("designsim-output-test-" + name);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::size_t files_in(const fs::path& dir) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : fs::directory_iterator(dir)) ++n;
  return n;
}

// The message of the OutputError that writing `size` bytes to `path` raises in a child process
// whose files may not grow past 4 KiB (as a full disk would refuse them), or "no error".
std::string error_with_file_size_limit(const fs::path& path, std::size_t size) {
  int pipe_ends[2];
  REQUIRE(::pipe(pipe_ends) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(pipe_ends[0]);
    std::signal(SIGXFSZ, SIG_IGN);
    rlimit limit{4096, 4096};
    ::setrlimit(RLIMIT_FSIZE, &limit);
    std::string message = "no error";
    try {
      write_output_file(path, std::string(size, 'x'));
    } catch (const OutputError& e) {
      message = e.what();
    }
    [[maybe_unused]] ssize_t n = ::write(pipe_ends[1], message.data(), message.size());
    ::_exit(0);
  }
  ::close(pipe_ends[1]);
  std::string message;
  char block[512];
  for (ssize_t n; (n = ::read(pipe_ends[0], block, sizeof block)) > 0;)
    message.append(block, static_cast<std::size_t>(n));
  ::close(pipe_ends[0]);
  int status = 0;
  ::waitpid(child, &status, 0);
  return message;
}

}  // namespace

TEST_CASE("an output file replaces the old one whole and leaves nothing else behind", "[output]") {
  fs::path dir = scratch("replace");
  write_output_file(dir / "report.json", "old\n");
  write_output_file(dir / "report.json", "new\n");
  CHECK(read_text(dir / "report.json") == "new\n");
  CHECK(files_in(dir) == 1);
}

TEST_CASE("an output file not committed leaves the old file and no temporary file", "[output]") {
  fs::path dir = scratch("abandon");
  write_output_file(dir / "trace.jsonl", "old\n");
  {
    OutputFile file(dir / "trace.jsonl");
    file.write("half of a new");
  }
  CHECK(read_text(dir / "trace.jsonl") == "old\n");
  CHECK(files_in(dir) == 1);
}

TEST_CASE("a write that fails names the file and the reason and keeps the old file", "[output]") {
  fs::path dir = scratch("full");
  write_output_file(dir / "report.json", "old\n");
  std::string message = error_with_file_size_limit(dir / "report.json", 64 * 1024);
  CHECK(message == "cannot write " + (dir / "report.json").string() + ": File too large");
  CHECK(read_text(dir / "report.json") == "old\n");
  CHECK(files_in(dir) == 1);
}

TEST_CASE("a folder that cannot be made is named with the reason", "[output]") {
  fs::path dir = scratch("folder");
  write_output_file(dir / "plain-file", "x");
  try {
    write_output_file(dir / "plain-file" / "report.json", "x");
    FAIL("no error");
  } catch (const OutputError& e) {
    std::string message = e.what();
    CHECK(message.find("cannot write " + (dir / "plain-file" / "report.json").string()) == 0);
    CHECK(message.find("Not a directory") != std::string::npos);
  }
}
