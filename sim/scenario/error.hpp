// The one error a bad scenario raises: where (file, line, column) and what was expected.
//
// what() reads "FILE:LINE:COL: MESSAGE" (just "FILE: MESSAGE" when no line is known), the form
// compilers use, so editors jump to it. The CLI prints it and exits with status 2.
#pragma once

#include <stdexcept>
#include <string>

#include "sim/kernel/fault_spec.hpp"

namespace sim {

struct ScenarioError : std::runtime_error {
  ScenarioError(SourceMark where_, std::string message_);

  SourceMark where;
  std::string message;  ///< without the place
};

}  // namespace sim
