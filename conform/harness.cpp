#include "conform/harness.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "models/redis/engine/command_table.hpp"
#include "models/redis/engine/engine.hpp"
#include "models/redis/lua/lua_host.hpp"

namespace conform {

namespace {

// Unix ms on the real wall clock: what the server's own clock shows, give or take.
std::int64_t wall_clock_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// Runs a command of the harness's own (not compared); the server must not refuse it.
void housekeeping(const SendCommand& real, const Argv& argv) {
  WireReply reply = real(argv);
  if (reply.reply.is_error()) {
    throw ConnectError(fmt::format("the server refused {}: {}", argv[0], reply.reply.text));
  }
}

void delete_keys(const SendCommand& real, const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  Argv argv{"DEL"};
  argv.insert(argv.end(), keys.begin(), keys.end());
  housekeeping(real, argv);
}

bool touches(const Step& step, const std::string& key) {
  return std::find(step.argv.begin() + 1, step.argv.end(), key) != step.argv.end();
}

bool caches_script(const Step& step) {
  if (step.argv.empty()) return false;
  std::string command = redis::lowercase(step.argv[0]);
  return command == "eval" || command == "script";
}

bool calls_by_sha(const Step& step) {
  if (step.argv.empty()) return false;
  std::string command = redis::lowercase(step.argv[0]);
  return command == "evalsha" || command == "script";
}

std::vector<std::size_t> history_of(const Sequence& sequence, std::size_t index) {
  const Step& failing = sequence.steps[index];
  std::vector<std::string> keys;
  for (const std::string& key : sequence.keys) {
    if (touches(failing, key)) keys.push_back(key);
  }
  std::vector<std::size_t> history;
  for (std::size_t i = 0; i < index; ++i) {
    const Step& step = sequence.steps[i];
    bool related = std::any_of(keys.begin(), keys.end(), [&](const std::string& key) { return touches(step, key); }) ||
                   (failing.case_name != "generated" && step.case_name == failing.case_name) ||
                   (failing.shows_random && step.shows_random) || (calls_by_sha(failing) && caches_script(step));
    if (related) history.push_back(i);
  }
  return history;
}

struct SimulatedRedis {
  redis::Engine engine{redis::Version::v7_0};
  SimulatedRedis() { engine.set_script_host(redis::make_lua_host(redis::Version::v7_0)); }
};

}  // namespace

ConformResult run_conformance(const Sequence& sequence, const SendCommand& real) {
  SimulatedRedis simulated;
  ConformResult result;
  delete_keys(real, sequence.keys);
  for (std::size_t i = 0; i < sequence.steps.size(); ++i) {
    const Step& step = sequence.steps[i];
    redis::ExecContext ctx;
    ctx.now_ms = wall_clock_ms();
    WireReply from_server = real(step.argv);
    redis::Reply from_model = simulated.engine.execute(step.argv, ctx);
    if (step.random_probe) result.random_stream_fresh = from_server.raw == from_model.resp();
    Comparison comparison = compare_replies(step, from_server, from_model, result.random_stream_fresh);
    ++result.steps;
    switch (comparison.verdict) {
      case Verdict::identical: ++result.identical; break;
      case Verdict::within_tolerance: ++result.within_tolerance; break;
      case Verdict::same_shape: ++result.same_shape; break;
      case Verdict::skipped: ++result.skipped; break;
      case Verdict::disagreed:
        result.disagreements.push_back(
            Disagreement{i, from_server.reply.describe(), from_model.describe(), from_server.raw, from_model.resp(),
                         comparison.rule, history_of(sequence, i)});
        break;
    }
  }
  delete_keys(real, sequence.keys);
  return result;
}

std::string server_version(const SendCommand& real) {
  WireReply info = real({"INFO", "server"});
  if (info.reply.type != redis::Reply::Type::bulk) return "unknown";
  const std::string field = "redis_version:";
  std::size_t at = info.reply.text.find(field);
  if (at == std::string::npos) return "unknown";
  at += field.size();
  return info.reply.text.substr(at, info.reply.text.find_first_of("\r\n", at) - at);
}

}  // namespace conform
