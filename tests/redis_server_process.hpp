// A real redis-server for the conformance tests, started by the test itself: on 127.0.0.1, on a
// port no other test run holds (ctest runs two builds of the suite at once), with persistence
// off, in a scratch folder. It is stopped by its own process id when the object goes: SIGTERM,
// a bounded wait, then SIGKILL. Every wait is bounded, so a broken server fails the test instead
// of hanging it. No redis-server installed is a failure, not a skip.
#pragma once

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "conform/resp_client.hpp"

extern char** environ;

namespace test_support {

class RedisServerProcess {
public:
  RedisServerProcess() {
    binary_ = find_binary();
    REQUIRE_FALSE(binary_.empty());  // install it with scripts/install-deps (Debian's redis-server)
    static int started = 0;
    folder_ = std::filesystem::temp_directory_path() /
              ("designsim-redis-" + std::to_string(::getpid()) + "-" + std::to_string(++started));
    std::filesystem::create_directories(folder_);
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) start_on(free_port());
    INFO("redis-server log:\n" << log_text());
    REQUIRE(pid_ > 0);
  }

  ~RedisServerProcess() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }

  RedisServerProcess(const RedisServerProcess&) = delete;
  RedisServerProcess& operator=(const RedisServerProcess&) = delete;

  conform::Endpoint endpoint() const { return conform::Endpoint{"127.0.0.1", port_}; }
  pid_t pid() const { return pid_; }

private:
  std::string binary_;
  std::filesystem::path folder_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;

  static std::string find_binary() {
    std::vector<std::string> places{"/usr/bin/redis-server", "/usr/local/bin/redis-server"};
    for (const std::string& place : places) {
      if (::access(place.c_str(), X_OK) == 0) return place;
    }
    return {};
  }

  // A port the kernel has just handed out and nobody listens on; a clash with a racing test
  // makes redis-server exit at once, and the constructor tries another port.
  static std::uint16_t free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
                 ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(fd);
    REQUIRE(bound);
    return ntohs(address.sin_port);
  }

  std::filesystem::path log_path() const { return folder_ / "redis.log"; }

  std::string log_text() const {
    std::ifstream in(log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  void start_on(std::uint16_t port) {
    std::vector<std::string> words{binary_,
                                   "--port",
                                   std::to_string(port),
                                   "--bind",
                                   "127.0.0.1",
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "no",
                                   "--daemonize",
                                   "no",
                                   "--dir",
                                   folder_.string(),
                                   "--logfile",
                                   log_path().string(),
                                   "--protected-mode",
                                   "yes"};
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = -1;
    int failed = ::posix_spawn(&pid, binary_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(failed == 0);
    pid_ = pid;
    port_ = port;
    if (!wait_until_ready()) stop();
  }

  // Up to 10 s for PING to answer PONG; false (the server gone) if it exits first.
  bool wait_until_ready() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      try {
        conform::RespClient client(endpoint(), conform::ClientOptions{200, 500});
        if (client.call({"PING"}).raw == "+PONG\r\n") return true;
      } catch (const std::exception&) {
        // not listening yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // SIGTERM, up to 5 s for it to exit, then SIGKILL and reap: never a server left running.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
  }
};

}  // namespace test_support
