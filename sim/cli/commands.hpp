// The designsim commands. Each takes its arguments (without the command word) and returns the
// process exit status: 0 every check held, 1 a check was violated (or, for verify, a scenario
// did not do what its expect: block says; for conform, a reply disagreed), 2 bad input (for
// conform, also a server that cannot be reached), 3 internal error.
#pragma once

#include <string>
#include <vector>

namespace sim::cli {

using Args = std::vector<std::string>;

int run_command(const Args& args);
int verify_command(const Args& args);
int sweep_command(const Args& args);
int study_command(const Args& args);
int list_command(const Args& args);
int check_command(const Args& args);
int conform_command(const Args& args);
int describe_command(const Args& args);
int new_command(const Args& args);
int schema_command(const Args& args);
int shrink_command(const Args& args);
/// conform --postgres (conform_command hands over when the option is given).
int conform_postgres_command(const Args& args);

/// Exit statuses.
inline constexpr int all_held = 0;
inline constexpr int violated = 1;
inline constexpr int bad_input = 2;
inline constexpr int internal_error = 3;

}  // namespace sim::cli
