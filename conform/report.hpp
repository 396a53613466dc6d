// The conformance harness's findings as text: each disagreement with the steps that led to it,
// the totals, and the normalisation rules.
#pragma once

#include <cstddef>
#include <string>

#include "conform/harness.hpp"
#include "conform/sequences.hpp"

namespace conform {

/// A command as one line: words quoted as redis-cli quotes them, long words (scripts) cut
/// short and named by their SHA-1.
std::string argv_text(const Argv& argv);

/// One disagreement: the step, both replies, the rule, and up to `history_shown` of the last
/// steps that led to it (saying how many earlier ones are left out).
std::string disagreement_text(const Sequence& sequence, const Disagreement& disagreement, std::size_t history_shown);

/// The totals: steps, how each agreed, skipped, disagreements.
std::string summary_text(const ConformResult& result);

/// Every normalisation rule with what it applies to and why.
std::string rules_text();

}  // namespace conform
