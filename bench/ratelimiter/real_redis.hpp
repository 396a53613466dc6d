// A real redis-server for the rate limiter benchmark: Debian's, started on 127.0.0.1 on a port
// the kernel just handed out, persistence off, in a scratch folder, and stopped by its own
// process id (SIGTERM, a bounded wait, then SIGKILL). Commands go over one connection in
// pipelined batches; the server's CPU time is read from /proc/<pid>/stat.
//
// It is a benchmark's measuring stick, never part of a simulation run.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace bench {

class RealRedis {
public:
  /// Starts the server; throws std::runtime_error with one sentence when it cannot.
  RealRedis();
  ~RealRedis();
  RealRedis(const RealRedis&) = delete;
  RealRedis& operator=(const RealRedis&) = delete;

  /// Sends every command of `batch` at once (RESP2 arrays of bulk strings), then reads as many
  /// replies; each reply's raw bytes are appended to `replies` when it is not null.
  void pipeline(const std::vector<std::vector<std::string>>& batch, std::vector<std::string>* replies = nullptr);
  /// The server process's CPU time so far (user + system), in seconds.
  double cpu_seconds() const;

private:
  void start(std::uint16_t port);
  bool connect_to(std::uint16_t port);
  void stop();
  std::string read_reply();
  char next_byte();
  std::string read_line();

  std::filesystem::path folder_;
  pid_t pid_ = -1;
  int socket_ = -1;
  std::vector<char> in_;
  std::size_t in_at_ = 0;
};

}  // namespace bench
