#include "bench/ratelimiter/real_redis.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "conform/resp_client.hpp"

extern char** environ;

namespace bench {
namespace {

std::uint16_t free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("no socket for a free port");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  bool bound = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
               ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0;
  ::close(fd);
  if (!bound) throw std::runtime_error("no free port on 127.0.0.1");
  return ntohs(address.sin_port);
}

void write_all(int fd, const std::string& bytes) {
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::write(fd, bytes.data() + sent, bytes.size() - sent);
    if (n <= 0) throw std::runtime_error("redis-server closed the connection");
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace

RealRedis::RealRedis() {
  if (::access("/usr/bin/redis-server", X_OK) != 0)
    throw std::runtime_error("no /usr/bin/redis-server (scripts/install-deps installs Debian's)");
  folder_ = std::filesystem::temp_directory_path() / ("designsim-bench-redis-" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder_);
  for (int attempt = 0; attempt < 5 && pid_ <= 0; ++attempt) start(free_port());
  if (pid_ <= 0) throw std::runtime_error("redis-server did not start (log in " + folder_.string() + ")");
}

RealRedis::~RealRedis() {
  if (socket_ >= 0) ::close(socket_);
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

void RealRedis::start(std::uint16_t port) {
  std::vector<std::string> words{"/usr/bin/redis-server", "--port", std::to_string(port), "--bind", "127.0.0.1",
                                 "--save", "", "--appendonly", "no", "--daemonize", "no", "--dir", folder_.string(),
                                 "--logfile", (folder_ / "redis.log").string()};
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = -1;
  int failed = ::posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (failed != 0) throw std::runtime_error("redis-server could not be spawned");
  pid_ = pid;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) break;  // gone: the port was taken, say
    if (connect_to(port)) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  stop();
}

bool RealRedis::connect_to(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = htons(port);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    if (fd >= 0) ::close(fd);
    return false;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  socket_ = fd;
  std::vector<std::string> replies;
  pipeline({{"PING"}}, &replies);
  return replies.front() == "+PONG\r\n";
}

void RealRedis::stop() {
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

void RealRedis::pipeline(const std::vector<std::vector<std::string>>& batch, std::vector<std::string>* replies) {
  std::string bytes;
  for (const std::vector<std::string>& argv : batch) bytes += conform::encode_command(argv);
  write_all(socket_, bytes);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    std::string reply = read_reply();
    if (replies) replies->push_back(std::move(reply));
  }
}

char RealRedis::next_byte() {
  if (in_at_ == in_.size()) {
    in_.resize(1 << 16);
    ssize_t n = ::read(socket_, in_.data(), in_.size());
    if (n <= 0) throw std::runtime_error("redis-server closed the connection");
    in_.resize(static_cast<std::size_t>(n));
    in_at_ = 0;
  }
  return in_[in_at_++];
}

std::string RealRedis::read_line() {
  std::string line;
  while (line.size() < 2 || line[line.size() - 2] != '\r' || line.back() != '\n') line += next_byte();
  return line;
}

// One RESP2 reply, raw.
std::string RealRedis::read_reply() {
  std::string line = read_line();
  char kind = line.at(0);
  if (kind == '+' || kind == '-' || kind == ':') return line;
  long long n = std::strtoll(line.c_str() + 1, nullptr, 10);
  if (kind == '$') {
    for (long long i = 0; i < n + 2 && n >= 0; ++i) line += next_byte();
    return line;
  }
  for (long long i = 0; i < n; ++i) line += read_reply();  // '*'
  return line;
}

double RealRedis::cpu_seconds() const {
  std::ifstream in("/proc/" + std::to_string(pid_) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // After the command name in parentheses: state is field 3, utime 14, stime 15.
  std::istringstream fields(text.substr(text.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 14) utime = std::stoull(field);
    if (index == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace bench
