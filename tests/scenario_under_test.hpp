// The scenario a golden replay test runs, as named on the command line:
//   designsim_tests --scenario scenarios/lock/redlock-clock-jump.yaml "[golden]"
#pragma once

#include <string>

/// Empty unless --scenario was given.
std::string& scenario_under_test();
