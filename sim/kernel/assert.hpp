// Assertions that stay on in every build. A failed one throws InternalError; the run layer
// catches it and prints the seed and the command that replays the run (exit status 3).
#pragma once

#include <stdexcept>
#include <string>

namespace sim {

class InternalError : public std::logic_error {
public:
  using std::logic_error::logic_error;
};

[[noreturn]] void assertion_failed(const char* expression, const std::string& message, const char* file, int line);

}  // namespace sim

#define SIM_ASSERT(condition, message)                                           \
  do {                                                                           \
    if (!(condition)) ::sim::assertion_failed(#condition, (message), __FILE__, __LINE__); \
  } while (false)
