// "Did you mean ...?" for misspelled keys, choices, node and check names.
//
// Deterministic: candidates are scanned in the order given and the first of equal distance
// wins, so one typo always gets one suggestion.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sim {

/// Levenshtein distance: single-character insertions, deletions and substitutions.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to `word`, if it is near enough to be a plausible typo: at most
/// max(2, word.size() / 3) edits, and fewer edits than the longer of the two has characters.
std::optional<std::string> closest_match(std::string_view word, const std::vector<std::string>& candidates);

/// " (did you mean 'x'?)" or "".
std::string did_you_mean(std::string_view word, const std::vector<std::string>& candidates);

/// "a, b or c".
std::string join_alternatives(const std::vector<std::string>& items);

}  // namespace sim
