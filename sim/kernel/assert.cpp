#include "sim/kernel/assert.hpp"

namespace sim {

void assertion_failed(const char* expression, const std::string& message, const char* file, int line) {
  throw InternalError(std::string(file) + ":" + std::to_string(line) + ": assertion failed: " + expression +
                      (message.empty() ? "" : " (" + message + ")"));
}

}  // namespace sim
