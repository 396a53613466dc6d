// A real PostgreSQL 15 server for the conformance tests, started by the test itself: initdb in a
// scratch folder with the C locale (the model compares text bytewise), the server on 127.0.0.1
// on a free port. PostgreSQL refuses to run as root, so as root both run as the unprivileged
// user `postgres` (or `nobody`) through setpriv, which execs in place: the process id held is
// the server's own. It is stopped by that id when the object goes: SIGINT (fast shutdown), a
// bounded wait, then SIGKILL. Every wait is bounded. No PostgreSQL 15 installed is a failure,
// not a skip.
#pragma once

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
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

#include "conform/pg_client.hpp"

extern char** environ;

namespace test_support {

class PostgresServerProcess {
public:
  static constexpr const char* bin = "/usr/lib/postgresql/15/bin";

  PostgresServerProcess() {
    INFO("install it with scripts/install-deps (Debian's postgresql-15)");
    REQUIRE(::access((std::string(bin) + "/postgres").c_str(), X_OK) == 0);
    static int started = 0;
    folder_ = std::filesystem::temp_directory_path() /
              ("designsim-postgres-" + std::to_string(::getpid()) + "-" + std::to_string(++started));
    std::filesystem::create_directories(folder_);
    if (::getuid() == 0) {
      passwd* user = ::getpwnam("postgres");
      if (!user) user = ::getpwnam("nobody");
      REQUIRE(user != nullptr);
      REQUIRE(::chown(folder_.c_str(), user->pw_uid, user->pw_gid) == 0);
      as_user_ = {"/usr/bin/setpriv", "--reuid=" + std::to_string(user->pw_uid),
                  "--regid=" + std::to_string(user->pw_gid), "--clear-groups", "--"};
    }
    pid_t initdb = spawn({std::string(bin) + "/initdb", "-D", data().string(), "-U", "postgres", "--auth=trust",
                          "--locale=C", "-E", "UTF8", "--no-sync"});
    int status = 0;
    REQUIRE(wait_bounded(initdb, std::chrono::seconds(120), status));
    INFO("initdb log:\n" << log_text());
    REQUIRE((WIFEXITED(status) && WEXITSTATUS(status) == 0));
    for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) start_on(free_port());
    INFO("postgres log:\n" << log_text());
    REQUIRE(pid_ > 0);
  }

  ~PostgresServerProcess() {
    stop();
    std::error_code ignored;
    std::filesystem::remove_all(folder_, ignored);
  }

  PostgresServerProcess(const PostgresServerProcess&) = delete;
  PostgresServerProcess& operator=(const PostgresServerProcess&) = delete;

  conform::Endpoint endpoint() const { return conform::Endpoint{"127.0.0.1", port_}; }
  pid_t pid() const { return pid_; }

private:
  std::filesystem::path folder_;
  std::vector<std::string> as_user_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;

  std::filesystem::path data() const { return folder_ / "data"; }
  std::filesystem::path log_path() const { return folder_ / "postgres.log"; }

  std::string log_text() const {
    std::ifstream in(log_path());
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

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

  // Runs `words` (as the unprivileged user when root), output appended to the log.
  pid_t spawn(std::vector<std::string> words) {
    words.insert(words.begin(), as_user_.begin(), as_user_.end());
    std::vector<char*> argv;
    for (std::string& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log_path().c_str(), O_WRONLY | O_CREAT | O_APPEND,
                                     0666);
    posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
    posix_spawn_file_actions_addchdir_np(&actions, "/");
    pid_t pid = -1;
    int failed = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(failed == 0);
    return pid;
  }

  static bool wait_bounded(pid_t pid, std::chrono::seconds limit, int& status) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (::waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() >= deadline) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        return false;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }

  void start_on(std::uint16_t port) {
    pid_ = spawn({std::string(bin) + "/postgres", "-D", data().string(), "-h", "127.0.0.1", "-p",
                  std::to_string(port), "-k", folder_.string(), "-c", "fsync=off", "-c", "autovacuum=off"});
    port_ = port;
    if (!wait_until_ready()) stop();
  }

  // Up to 30 s for a connection to succeed; false (the server gone) if it exits first.
  bool wait_until_ready() {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return false;
      }
      try {
        conform::PgConnection probe(endpoint(), conform::PgLogin{});
        return true;
      } catch (const conform::PgConnectError&) {
        // not accepting connections yet
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  // SIGINT (fast shutdown), up to 10 s for it to exit, then SIGKILL and reap.
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGINT);
    int status = 0;
    wait_bounded(pid_, std::chrono::seconds(10), status);
    pid_ = -1;
  }
};

}  // namespace test_support
