#include "conform/normalise.hpp"

#include <array>
#include <cstdlib>

#include "models/redis/engine/command_table.hpp"

namespace conform {

namespace {

constexpr std::array rules{
    NormalisationRule{
        "ttl", "TTL replies that are both >= 0",
        "The harness gives the simulated Redis a clock reading taken as it sends each command; the server "
        "reads its own clock when it runs the command, up to one round trip later. A deadline set at one "
        "command and read at another can so come out a few ms apart, and a TTL, rounded to whole seconds, "
        "one second apart. -1 (no TTL) and -2 (no key) are compared exactly."},
    NormalisationRule{
        "pttl", "PTTL replies that are both >= 0",
        "As for TTL, in ms: 1000 ms bounds the round trips of a loaded machine and stays far below the "
        "smallest unit mistake the comparison must catch (seconds taken for ms is a factor of 1000). -1 and "
        "-2 are compared exactly."},
    NormalisationRule{
        "time", "TIME",
        "TIME reads the server's own clock, which no model of it can know to the microsecond. The reply must "
        "still be two bulk strings of decimal digits, the second below 1000000."},
    NormalisationRule{
        "math.random", "replies that show math.random draws",
        "Redis 7.0 draws math.random from one stream per process, which starts from a fixed state when the "
        "server starts and advances with every draw of every script. The sequence's first draw (the probe) "
        "shows whether the server's stream is at its start; if it is not (the server ran scripts before), "
        "the replies that show draws are skipped and counted, not reported as disagreements. Restart the "
        "server to compare them."},
};

bool all_digits(const std::string& text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

bool time_shaped(const redis::Reply& reply) {
  if (reply.type != redis::Reply::Type::array || reply.elements.size() != 2) return false;
  for (const redis::Reply& part : reply.elements) {
    if (part.type != redis::Reply::Type::bulk || !all_digits(part.text) || part.text.size() > 19) return false;
  }
  return reply.elements[1].text.size() <= 6;
}

bool within(const redis::Reply& real, const redis::Reply& simulated, std::int64_t tolerance) {
  using Type = redis::Reply::Type;
  if (real.type != Type::integer || simulated.type != Type::integer) return false;
  if (real.integer < 0 || simulated.integer < 0) return real.integer == simulated.integer;
  return std::llabs(real.integer - simulated.integer) <= tolerance;
}

}  // namespace

std::span<const NormalisationRule> normalisation_rules() { return rules; }

Comparison compare_replies(const Step& step, const WireReply& real, const redis::Reply& simulated,
                           bool random_stream_fresh) {
  if (step.shows_random && !random_stream_fresh) return {Verdict::skipped, "math.random"};
  if (real.raw == simulated.resp()) return {Verdict::identical, "exact"};
  std::string command = step.argv.empty() ? std::string() : redis::lowercase(step.argv[0]);
  if (command == "ttl")
    return {within(real.reply, simulated, ttl_tolerance_s) ? Verdict::within_tolerance : Verdict::disagreed, "ttl"};
  if (command == "pttl")
    return {within(real.reply, simulated, pttl_tolerance_ms) ? Verdict::within_tolerance : Verdict::disagreed, "pttl"};
  if (command == "time" && step.argv.size() == 1) {
    return {time_shaped(real.reply) && time_shaped(simulated) ? Verdict::same_shape : Verdict::disagreed, "time"};
  }
  return {Verdict::disagreed, "exact"};
}

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::identical: return "identical";
    case Verdict::within_tolerance: return "within tolerance";
    case Verdict::same_shape: return "same shape";
    case Verdict::skipped: return "skipped";
    case Verdict::disagreed: return "DISAGREED";
  }
  return "?";
}

}  // namespace conform
