// Runs a measurement in a forked child, so each run's peak memory is its own: the child computes
// a trivially copyable result and sends it back through a pipe; the parent reads the child's CPU
// time and peak resident size from wait4.
#pragma once

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <type_traits>

namespace bench {

/// What the kernel counted for a finished child.
struct ChildUsage {
  double user_s = 0;
  double system_s = 0;
  double peak_bytes = 0;  ///< ru_maxrss
};

inline double seconds_of(const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; }

/// Runs `work()` (returning a T) in a child and stores its result in `out`; false when the child
/// failed (an exception, a short write, a nonzero exit).
template <class T, class Work>
bool run_in_child(Work work, T& out, ChildUsage& usage) {
  static_assert(std::is_trivially_copyable_v<T>);
  int channel[2];
  if (pipe(channel) != 0) return false;
  std::fflush(stdout);
  pid_t child = fork();
  if (child < 0) return false;
  if (child == 0) {
    close(channel[0]);
    int status = 1;
    try {
      T result = work();
      status = write(channel[1], &result, sizeof result) == static_cast<ssize_t>(sizeof result) ? 0 : 1;
    } catch (const std::exception& e) {
      std::fprintf(stderr, "the run failed: %s\n", e.what());
    }
    _exit(status);
  }
  close(channel[1]);
  ssize_t got = read(channel[0], &out, sizeof out);
  close(channel[0]);
  int status = 0;
  rusage used{};
  while (wait4(child, &status, 0, &used) < 0 && errno == EINTR) {
  }
  usage.user_s = seconds_of(used.ru_utime);
  usage.system_s = seconds_of(used.ru_stime);
  usage.peak_bytes = static_cast<double>(used.ru_maxrss) * 1024.0;  // Linux: kilobytes
  return got == static_cast<ssize_t>(sizeof out) && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

}  // namespace bench
