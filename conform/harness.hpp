// The conformance harness: plays one sequence against a real Redis and against the simulated
// Redis 7.0 (an Engine with its Lua host), step by step, and compares every reply byte for byte
// except where normalise.hpp says why it may not.
//
// The simulated side is not a simulation run: each command executes with now_ms read from the
// real wall clock as the command is sent to the server, so both sides see nearly the same time.
//
// The harness deletes the sequence's own keys on the server before and after (and no other
// key); it needs a server no other client is writing those keys on.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "conform/normalise.hpp"
#include "conform/resp_client.hpp"
#include "conform/sequences.hpp"

namespace conform {

/// Sends one command to the real server and returns its reply (a RespClient, or a stand-in).
using SendCommand = std::function<WireReply(const Argv&)>;

struct Disagreement {
  std::size_t index = 0;       ///< of the step in the sequence
  std::string real;            ///< the server's reply, as redis-cli would print it
  std::string simulated;       ///< the simulated Redis's reply, likewise
  std::string real_resp;       ///< the exact bytes of each, for replies that print alike
  std::string simulated_resp;
  std::string_view rule;       ///< the rule it was compared under ("exact", "ttl", ...)
  /// The earlier steps it may depend on, in order: those touching one of its keys, those of its
  /// script case, the scripts it may call by SHA, and the math.random draws before a draw.
  std::vector<std::size_t> history;
};

struct ConformResult {
  std::size_t steps = 0;
  std::size_t identical = 0;
  std::size_t within_tolerance = 0;
  std::size_t same_shape = 0;
  std::size_t skipped = 0;
  std::vector<Disagreement> disagreements;
  /// Whether the probe found the server's math.random stream where a fresh server's is.
  bool random_stream_fresh = false;

  std::size_t agreed() const { return identical + within_tolerance + same_shape; }
};

/// Plays `sequence` on both sides. Throws ConnectError if the server cannot be used.
ConformResult run_conformance(const Sequence& sequence, const SendCommand& real);

/// The server's "redis_version" from INFO, or "unknown" if it does not say.
std::string server_version(const SendCommand& real);

}  // namespace conform
