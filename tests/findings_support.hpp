// Reading a model's findings in tests: one check by name, and whether it held.
#pragma once

#include <catch2/catch.hpp>

#include <stdexcept>
#include <string>

#include "models/model.hpp"

namespace test_support {

inline const sim::CheckResult& check(const sim::Findings& findings, const std::string& name) {
  for (const sim::CheckResult& result : findings.checks)
    if (result.name == name) return result;
  FAIL("no check named " << name);
  throw std::logic_error("unreachable");
}

inline bool held(const sim::Findings& findings, const std::string& name) {
  const sim::CheckResult& result = check(findings, name);
  INFO(name << ": " << result.summary);
  return result.held;
}

}  // namespace test_support
