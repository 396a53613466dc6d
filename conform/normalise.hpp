// What may differ between a real Redis and the simulated one, and why: the ONE place where the
// conformance harness relaxes its byte-for-byte comparison. Every reply not covered by a rule
// below must be byte for byte the same.
//
//   rule          applies to                         compared as
//   ttl           TTL replies, both >= 0             within ttl_tolerance_s
//   pttl          PTTL replies, both >= 0            within pttl_tolerance_ms
//   time          TIME                               shape only
//   math.random   replies showing math.random draws  skipped on a server whose stream has moved
//
// The reasons are in normalisation_rules(), which the CLI prints and the README repeats.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "conform/resp_client.hpp"
#include "conform/sequences.hpp"
#include "models/redis/engine/reply.hpp"

namespace conform {

/// How far apart a TTL (whole seconds) and a PTTL (ms) reading may be.
inline constexpr std::int64_t ttl_tolerance_s = 1;
inline constexpr std::int64_t pttl_tolerance_ms = 1000;

struct NormalisationRule {
  std::string_view name;
  std::string_view applies_to;
  std::string_view reason;
};

/// Every rule, in the order of the table above.
std::span<const NormalisationRule> normalisation_rules();

enum class Verdict {
  identical,         ///< the same bytes
  within_tolerance,  ///< a ttl or pttl rule applied and held
  same_shape,        ///< the time rule applied and held
  skipped,           ///< the math.random rule applied: not compared
  disagreed,
};

struct Comparison {
  Verdict verdict = Verdict::disagreed;
  std::string_view rule = "exact";  ///< the rule the verdict was reached under
};

/// Compares one step's replies. `random_stream_fresh` says whether the server's math.random
/// stream was found at its start (see the harness).
Comparison compare_replies(const Step& step, const WireReply& real, const redis::Reply& simulated,
                           bool random_stream_fresh);

const char* to_string(Verdict verdict);

}  // namespace conform
