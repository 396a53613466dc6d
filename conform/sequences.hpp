// The command sequences the conformance harness plays against a real Redis and the simulated
// one: fixed script cases (math.random, the spec's rate limiter, the lock scripts) and commands
// generated from a seed over everything the simulated Redis serves, edge cases included.
//
// Timing: a real server runs in real time, so no sequence may race its clock. Every positive
// relative TTL generated is at least 10^5 s and differs from every other one in the sequence by
// at least 1000 s, so no key expires during a run and GT/LT never compare two deadlines a
// millisecond apart; deadlines in the past (EXPIREAT 1) expire at once on both sides. The script
// cases set TTLs of 60 s and more and read them back a few steps later. TTL and PTTL readings
// are compared within a tolerance (normalise.hpp).
//
// Left out on purpose: commands that would change a server holding real data (FLUSHALL,
// SCRIPT FLUSH, a valid WAIT, DBSIZE), EVAL "error({})" (it crashes redis-server 7.0.15), and
// what the model documents it does not provide (the cjson, cmsgpack, struct and bit libraries,
// RESP3, commands outside its table such as KEYS).
//
// Size: hashes and sorted sets stay small (a handful of fields and members, short values), the
// listpack encoding whose reply order the model follows.
//
// Every key starts with the sequence's key prefix, so a run touches no other key of a server
// that holds real data, and the harness can delete exactly its own keys before and after.
//
// Determinism: a sequence is a pure function of its options (seed, count, prefix).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace conform {

using Argv = std::vector<std::string>;

struct Step {
  Argv argv;              ///< argv[0] is the command
  std::string case_name;  ///< "generated", "rate limiter RL3", "lock release", ...
  /// The reply shows numbers drawn from math.random: comparable only with a server whose
  /// stream is where a freshly started one's is (see the harness).
  bool shows_random = false;
  /// The first math.random draw of the sequence, which tells whether the server's stream is
  /// at its start.
  bool random_probe = false;
};

struct SequenceOptions {
  std::uint64_t seed = 1;
  /// Commands generated from the seed, after the script cases; 0 runs the script cases only.
  std::size_t command_count = 10'000;
  /// Every key of the sequence starts with this; it must not be empty.
  std::string key_prefix = "designsim:conform:";
};

struct Sequence {
  std::vector<Step> steps;
  std::vector<std::string> keys;  ///< every key a step may touch, sorted, without repeats
};

Sequence build_sequence(const SequenceOptions& options);

/// The fixed script cases, in order: the math.random probe first (it must be the first script
/// a fresh server runs), then math.random, the rate limiter and the lock scripts.
std::vector<Step> script_cases(const std::string& key_prefix);
/// Every key script_cases uses.
std::vector<std::string> script_case_keys(const std::string& key_prefix);

/// `count` commands drawn from the seed over the generated key space.
std::vector<Step> generated_commands(std::uint64_t seed, std::size_t count, const std::string& key_prefix);
/// Every key generated_commands uses.
std::vector<std::string> generated_keys(const std::string& key_prefix);

/// The lock scripts of the distlock page: compare-and-delete, and compare-and-pexpire.
const std::string& lock_release_script();
const std::string& lock_extend_script();

}  // namespace conform
