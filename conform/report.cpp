#include "conform/report.hpp"

#include <fmt/format.h>

#include "models/redis/engine/reply.hpp"
#include "models/redis/lua/sha1.hpp"

namespace conform {

namespace {

constexpr std::size_t longest_word_shown = 48;

bool plain(const std::string& word) {
  if (word.empty()) return false;
  for (char c : word) {
    auto byte = static_cast<unsigned char>(c);
    if (byte <= ' ' || byte >= 0x7f || c == '"' || c == '\\' || c == '\'') return false;
  }
  return true;
}

std::string word_text(const std::string& word) {
  if (word.size() > longest_word_shown) {
    std::string head = redis::Reply::bulk(word.substr(0, longest_word_shown - 8)).describe();
    return fmt::format("{}...(script {})", head, redis::sha1_hex(word));
  }
  return plain(word) ? word : redis::Reply::bulk(word).describe();
}

std::string step_line(const Sequence& sequence, std::size_t index) {
  const Step& step = sequence.steps[index];
  return fmt::format("  #{:<6} {:<34} {}\n", index, step.case_name, argv_text(step.argv));
}

}  // namespace

std::string argv_text(const Argv& argv) {
  std::string text;
  for (const std::string& word : argv) {
    if (!text.empty()) text += ' ';
    text += word_text(word);
  }
  return text;
}

std::string disagreement_text(const Sequence& sequence, const Disagreement& disagreement, std::size_t history_shown) {
  const Step& step = sequence.steps[disagreement.index];
  std::string text = fmt::format("DISAGREE at step #{} ({}, compared {}): {}\n", disagreement.index, step.case_name,
                                 disagreement.rule, argv_text(step.argv));
  text += fmt::format("  real redis : {}\n", disagreement.real);
  text += fmt::format("  simulated  : {}\n", disagreement.simulated);
  if (disagreement.real == disagreement.simulated) {
    text += fmt::format("  bytes      : {} vs {}\n", redis::Reply::bulk(disagreement.real_resp).describe(),
                        redis::Reply::bulk(disagreement.simulated_resp).describe());
  }
  const auto& history = disagreement.history;
  std::size_t first = history.size() > history_shown ? history.size() - history_shown : 0;
  text += fmt::format("  the steps that led to it ({} in all", history.size());
  text += first > 0 ? fmt::format(", the first {} left out):\n", first) : "):\n";
  for (std::size_t i = first; i < history.size(); ++i) text += step_line(sequence, history[i]);
  text += step_line(sequence, disagreement.index);
  return text;
}

std::string summary_text(const ConformResult& result) {
  std::string text = fmt::format(
      "{} steps: {} identical, {} within tolerance, {} same shape, {} skipped, {} disagreed\n", result.steps,
      result.identical, result.within_tolerance, result.same_shape, result.skipped, result.disagreements.size());
  if (!result.random_stream_fresh) {
    text += fmt::format(
        "note: the server's math.random stream is not where a freshly started Redis 7.0 server's is (it has run "
        "scripts since it started, or it is another version): the {} replies that show math.random draws were not "
        "compared. Restart the server and run again to compare them.\n",
        result.skipped);
  }
  return text;
}

std::string rules_text() {
  std::string text;
  for (const NormalisationRule& rule : normalisation_rules()) {
    text += fmt::format("  {} ({}): {}\n", rule.name, rule.applies_to, rule.reason);
  }
  return text;
}

}  // namespace conform
