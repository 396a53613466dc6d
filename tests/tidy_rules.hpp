// The scanners behind the tidy test: they read C++ source as text, without a compiler, well
// enough for the rules of this tree (see test_tidy.cpp, which also runs each on a sample that
// breaks it).
#pragma once

#include <cstddef>
#include <set>
#include <string>
#include <vector>

namespace tidy {

/// `text` with comments, string literals (raw ones too) and character literals blanked, line
/// breaks kept, so that a rule reads only code and its line numbers still hold.
std::string code_only(const std::string& text);

/// A function body (or a lambda's at namespace scope) in code_only text.
struct Function {
  int first_line = 0;  ///< 1-based, the line of its opening brace
  int lines = 0;       ///< from the opening brace's line to the closing brace's, both counted
};
std::vector<Function> functions_in(const std::string& code);

/// Names declared with a std::unordered_* type (variables, members, parameters).
std::set<std::string> unordered_names(const std::string& code);

/// 1-based lines that iterate one of `names`: a range-for over it, or its begin().
std::vector<int> iterations_over(const std::string& code, const std::set<std::string>& names);

/// 1-based lines of statements that draw twice from one random stream (`rng.below(...)`,
/// `sample_normal(rng, ...)`, `dist.sample(rng)`): C++ leaves the order in which a call's
/// arguments, or an operator's operands, are evaluated to the compiler, so such a statement may
/// draw in another order under another compiler.
std::vector<int> repeated_draws(const std::string& code);

/// Columns a line takes, counting each UTF-8 code point as one, as clang-format does.
std::size_t columns(const std::string& line);

}  // namespace tidy
