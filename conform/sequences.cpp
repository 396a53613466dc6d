#include "conform/sequences.hpp"

#include <algorithm>

#include "sim/kernel/assert.hpp"

namespace conform {

Sequence build_sequence(const SequenceOptions& options) {
  SIM_ASSERT(!options.key_prefix.empty(), "a conformance sequence needs a key prefix");
  Sequence sequence;
  sequence.steps = script_cases(options.key_prefix);
  std::vector<Step> generated = generated_commands(options.seed, options.command_count, options.key_prefix);
  sequence.steps.insert(sequence.steps.end(), std::make_move_iterator(generated.begin()),
                        std::make_move_iterator(generated.end()));
  sequence.keys = script_case_keys(options.key_prefix);
  for (std::string& key : generated_keys(options.key_prefix)) sequence.keys.push_back(std::move(key));
  std::sort(sequence.keys.begin(), sequence.keys.end());
  sequence.keys.erase(std::unique(sequence.keys.begin(), sequence.keys.end()), sequence.keys.end());
  return sequence;
}

}  // namespace conform
