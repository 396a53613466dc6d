#include "sim/scenario/error.hpp"

#include <utility>

#include "sim/scenario/printable.hpp"

namespace sim {

// Keys, values and file names in a message come from the scenario: printable() keeps the
// message on one line and the terminal's state untouched.
ScenarioError::ScenarioError(SourceMark where_, std::string message_)
    : std::runtime_error(printable(where_.to_string() + ": " + message_)),
      where(std::move(where_)),
      message(printable(message_)) {}

}  // namespace sim
