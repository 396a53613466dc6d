// Goal: the simulated Redis answers as a real Redis 7.0 does. A test starts its own
// redis-server, plays 10,000 generated commands and every script case (math.random, the spec's
// rate limiter, the lock scripts) on both, and requires every reply to agree byte for byte,
// save what conform/normalise.hpp lets differ. The harness's parts are checked on their own
// first: the RESP2 reader, the client's timeouts, the sequences' freedom from timing races,
// the normalisation rules, and that a disagreement is reported with the steps behind it.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "conform/harness.hpp"
#include "conform/normalise.hpp"
#include "conform/report.hpp"
#include "conform/resp_client.hpp"
#include "conform/resp_parse.hpp"
#include "conform/sequences.hpp"
#include "models/ratelimiter/algorithms/scripts.hpp"
#include "models/redis/engine/command_table.hpp"
#include "models/redis/engine/engine.hpp"
#include "models/redis/lua/lua_host.hpp"
#include "models/redis/lua/sha1.hpp"
#include "tests/checkout.hpp"
#include "tests/redis_server_process.hpp"

using conform::Argv;
using redis::Reply;

namespace {

// A stand-in for the real server: a second simulated Redis, which may be told to lie once.
struct StandIn {
  redis::Engine engine{redis::Version::v7_0};
  std::size_t calls = 0;
  std::size_t lie_at = static_cast<std::size_t>(-1);

  StandIn() { engine.set_script_host(redis::make_lua_host(redis::Version::v7_0)); }

  conform::WireReply call(const Argv& argv) {
    redis::ExecContext ctx;
    ctx.now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch()).count();
    Reply reply = engine.execute(argv, ctx);
    if (calls++ == lie_at) reply = Reply::bulk("a lie");
    return conform::WireReply{reply.resp(), reply};
  }
};

conform::SendCommand through(StandIn& stand_in) {
  return [&stand_in](const Argv& argv) { return stand_in.call(argv); };
}

std::string all_disagreements(const conform::Sequence& sequence, const conform::ConformResult& result) {
  std::string text;
  for (const conform::Disagreement& d : result.disagreements) text += conform::disagreement_text(sequence, d, 20);
  return text;
}

conform::Step step_of(Argv argv) { return conform::Step{std::move(argv), "test", false, false}; }

conform::WireReply wire(const Reply& reply) { return conform::WireReply{reply.resp(), reply}; }

std::string designsim(const std::string& args, int& status) {
  std::string command = std::string(checkout::designsim_binary) + " " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 4096> buffer{};
  while (std::fgets(buffer.data(), buffer.size(), pipe)) out += buffer.data();
  int raw = pclose(pipe);
  status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  return out;
}

}  // namespace

TEST_CASE("the RESP2 reader takes one whole reply at a time, nested or null, and waits for the rest", "[conform]") {
  Reply nested = Reply::array({Reply::bulk("a\r\nb"), Reply::from_integer(-42), Reply::null(), Reply::null_array(),
                               Reply::array({Reply::status("OK"), Reply::error("ERR no")}), Reply::array({})});
  std::string bytes = nested.resp();
  auto parsed = conform::parse_reply(bytes + "+NEXT\r\n");
  REQUIRE(parsed);
  CHECK(parsed->reply == nested);
  CHECK(parsed->length == bytes.size());
  for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
    INFO("cut at " << cut);
    CHECK_FALSE(conform::parse_reply(std::string_view(bytes).substr(0, cut)));
  }
  CHECK_THROWS_AS(conform::parse_reply("?what\r\n"), conform::ProtocolError);
  CHECK_THROWS_AS(conform::parse_reply("$3\r\nabcd\r\n"), conform::ProtocolError);
  CHECK_THROWS_AS(conform::parse_reply(":12x\r\n"), conform::ProtocolError);
}

TEST_CASE("a command goes out as a RESP2 array of bulk strings, and HOST:PORT is read strictly", "[conform]") {
  CHECK(conform::encode_command({"SET", "k", ""}) == "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
  auto v4 = conform::parse_endpoint("127.0.0.1:6379");
  REQUIRE(v4);
  CHECK(v4->host == "127.0.0.1");
  CHECK(v4->port == 6379);
  auto v6 = conform::parse_endpoint("[::1]:7000");
  REQUIRE(v6);
  CHECK(v6->host == "::1");
  CHECK(v6->text() == "[::1]:7000");
  for (const char* bad :
       {"localhost", "localhost:", ":6379", "host:0", "host:65536", "host:-1", "::1:6379", "host:63x79"}) {
    INFO(bad);
    CHECK_FALSE(conform::parse_endpoint(bad));
  }
}

TEST_CASE("a closed port and a server that never answers end in a ConnectError, never a hang", "[conform]") {
  // A listening socket that nobody serves: the kernel completes the connection, no reply comes.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  REQUIRE(::listen(fd, 4) == 0);
  conform::Endpoint silent{"127.0.0.1", ntohs(address.sin_port)};
  auto started = std::chrono::steady_clock::now();
  conform::RespClient client(silent, conform::ClientOptions{500, 300});
  CHECK_THROWS_AS(client.call({"PING"}), conform::ConnectError);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  CHECK_THROWS_AS(client.call({"PING"}), conform::ConnectError);  // closed after the timeout
  ::close(fd);
  // The port is closed now: nothing listens.
  CHECK_THROWS_AS(conform::RespClient(silent, conform::ClientOptions{500, 300}), conform::ConnectError);
}

namespace {

// A server on the loopback that answers each connection by sending `bytes` every millisecond
// until the client hangs up: a reply that never ends.
class StreamingServer {
 public:
  explicit StreamingServer(std::string bytes) : bytes_(std::move(bytes)) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    REQUIRE(::listen(fd_, 4) == 0);
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~StreamingServer() {
    thread_.join();
    ::close(fd_);
  }
  conform::Endpoint endpoint() const { return {"127.0.0.1", port_}; }

 private:
  void serve() {
    int client = ::accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    while (::send(client, bytes_.data(), bytes_.size(), MSG_NOSIGNAL) > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ::close(client);
  }
  std::string bytes_;
  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::thread thread_;
};

}  // namespace

TEST_CASE("a server that keeps sending bytes is cut off at the reply's budget and called garbage", "[conform]") {
  StreamingServer server("+" + std::string(100, 'a'));
  conform::RespClient client(server.endpoint(), conform::ClientOptions{500, 300});
  auto started = std::chrono::steady_clock::now();
  try {
    client.call({"PING"});
    FAIL("a reply that never ends was taken");
  } catch (const conform::ProtocolError& e) {
    std::string message = e.what();
    CHECK(message.find("within 300 ms (garbage, not RESP2): '+aaaa") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
}

TEST_CASE("a reply past the size cap is refused before the deadline", "[conform]") {
  StreamingServer server("*3\r\n$100000\r\n" + std::string(4000, 'b'));
  conform::ClientOptions options{500, 60'000};
  options.reply_bytes_max = 64 * 1024;
  conform::RespClient client(server.endpoint(), options);
  auto started = std::chrono::steady_clock::now();
  try {
    client.call({"PING"});
    FAIL("an oversized reply was taken");
  } catch (const conform::ProtocolError& e) {
    CHECK(std::string(e.what()).find("a reply longer than 65536 bytes") != std::string::npos);
  }
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
}

TEST_CASE("sequences are a function of the seed, stay under their key prefix and never race the clock", "[conform]") {
  conform::SequenceOptions options;
  options.seed = 7;
  options.command_count = 3000;
  conform::Sequence a = conform::build_sequence(options);
  conform::Sequence b = conform::build_sequence(options);
  options.seed = 8;
  conform::Sequence c = conform::build_sequence(options);
  REQUIRE(a.steps.size() == b.steps.size());
  std::size_t same_as_other_seed = 0;
  for (std::size_t i = 0; i < a.steps.size(); ++i) {
    CHECK(a.steps[i].argv == b.steps[i].argv);
    same_as_other_seed += a.steps[i].argv == c.steps[i].argv;
  }
  CHECK(same_as_other_seed < a.steps.size() / 2);
  CHECK(a.steps.front().random_probe);
  // Every positive relative TTL generated is at least 10^5 s: nothing expires while a run lasts.
  std::size_t ttls = 0;
  for (const conform::Step& step : a.steps) {
    if (step.case_name != "generated") continue;
    std::string command = redis::lowercase(step.argv[0]);
    for (std::size_t j = 1; j + 1 < step.argv.size(); ++j) {
      std::string word = redis::lowercase(step.argv[j]);
      bool seconds = (command == "set" && j >= 3 && word == "ex") || (command == "expire" && j == 1);
      bool ms = (command == "set" && j >= 3 && word == "px") || (command == "pexpire" && j == 1);
      if (!seconds && !ms) continue;
      auto amount = redis::parse_integer(step.argv[j + 1]);
      if (!amount || *amount <= 0) continue;
      ++ttls;
      INFO(conform::argv_text(step.argv));
      CHECK(*amount >= (seconds ? 100'000 : 100'000'000));
    }
    for (std::size_t j = 1; j < step.argv.size(); ++j) {
      if (step.argv[j].rfind("designsim:conform:", 0) == 0) {
        CHECK(std::find(a.keys.begin(), a.keys.end(), step.argv[j]) != a.keys.end());
      }
    }
  }
  CHECK(ttls > 100);
}

TEST_CASE("only TTL, PTTL, TIME and math.random draws are relaxed, each within its bound", "[conform]") {
  conform::Step ttl = step_of({"TTL", "k"});
  conform::Step pttl = step_of({"pttl", "k"});
  conform::Step get = step_of({"GET", "k"});
  auto verdict = [](const conform::Step& step, const Reply& real, const Reply& sim, bool fresh = true) {
    return conform::compare_replies(step, wire(real), sim, fresh).verdict;
  };
  using conform::Verdict;
  CHECK(verdict(ttl, Reply::from_integer(100), Reply::from_integer(100)) == Verdict::identical);
  CHECK(verdict(ttl, Reply::from_integer(100), Reply::from_integer(99)) == Verdict::within_tolerance);
  CHECK(verdict(ttl, Reply::from_integer(100), Reply::from_integer(98)) == Verdict::disagreed);
  CHECK(verdict(ttl, Reply::from_integer(-1), Reply::from_integer(0)) == Verdict::disagreed);
  CHECK(verdict(pttl, Reply::from_integer(90'000), Reply::from_integer(89'000)) == Verdict::within_tolerance);
  CHECK(verdict(pttl, Reply::from_integer(90'000), Reply::from_integer(88'999)) == Verdict::disagreed);
  CHECK(verdict(pttl, Reply::from_integer(-2), Reply::from_integer(-1)) == Verdict::disagreed);
  CHECK(verdict(get, Reply::from_integer(100), Reply::from_integer(99)) == Verdict::disagreed);
  CHECK(verdict(get, Reply::bulk("1"), Reply::from_integer(1)) == Verdict::disagreed);

  conform::Step time = step_of({"TIME"});
  Reply now = Reply::array({Reply::bulk("1700000000"), Reply::bulk("123456")});
  Reply later = Reply::array({Reply::bulk("1700000001"), Reply::bulk("5")});
  CHECK(verdict(time, now, later) == Verdict::same_shape);
  CHECK(verdict(time, now, Reply::array({Reply::bulk("1700000001"), Reply::bulk("1000000")})) == Verdict::disagreed);
  CHECK(verdict(time, now, Reply::array({Reply::bulk("1700000001")})) == Verdict::disagreed);

  conform::Step draw = step_of({"EVAL", "return math.random(9)", "0"});
  draw.shows_random = true;
  CHECK(verdict(draw, Reply::from_integer(3), Reply::from_integer(4), true) == Verdict::disagreed);
  CHECK(verdict(draw, Reply::from_integer(3), Reply::from_integer(4), false) == Verdict::skipped);
  CHECK(conform::normalisation_rules().size() == 4);
}

TEST_CASE("a reply that differs is reported once, with the steps on its keys that led to it", "[conform]") {
  conform::SequenceOptions options;
  options.command_count = 400;
  conform::Sequence sequence = conform::build_sequence(options);
  StandIn honest;
  conform::ConformResult agreed = conform::run_conformance(sequence, through(honest));
  INFO(all_disagreements(sequence, agreed));
  CHECK(agreed.disagreements.empty());
  CHECK(agreed.random_stream_fresh);

  // Lie about the last generated GET (the stand-in's first call is the DEL before the run).
  std::size_t get_at = 0;
  for (std::size_t i = 0; i < sequence.steps.size(); ++i)
    if (sequence.steps[i].argv[0] == "GET" && sequence.steps[i].argv.size() == 2) get_at = i;
  REQUIRE(get_at > 0);
  StandIn liar;
  liar.lie_at = get_at + 1;
  conform::ConformResult result = conform::run_conformance(sequence, through(liar));
  REQUIRE(result.disagreements.size() == 1);
  const conform::Disagreement& found = result.disagreements.front();
  CHECK(found.index == get_at);
  CHECK(found.real == "\"a lie\"");
  const std::string& key = sequence.steps[get_at].argv[1];
  REQUIRE_FALSE(found.history.empty());
  for (std::size_t i : found.history) {
    const Argv& argv = sequence.steps[i].argv;
    CHECK(std::find(argv.begin(), argv.end(), key) != argv.end());
  }
  std::string text = conform::disagreement_text(sequence, found, 5);
  CHECK(text.find("DISAGREE at step #" + std::to_string(get_at)) != std::string::npos);
  CHECK(text.find("left out") != std::string::npos);
}

TEST_CASE("a server whose math.random stream has moved skips the draws instead of reporting them", "[conform]") {
  conform::SequenceOptions options;
  options.command_count = 300;
  conform::Sequence sequence = conform::build_sequence(options);
  StandIn used;
  used.call({"EVAL", "return math.random()", "0"});  // a script ran before the harness came
  conform::ConformResult result = conform::run_conformance(sequence, through(used));
  INFO(all_disagreements(sequence, result));
  CHECK_FALSE(result.random_stream_fresh);
  CHECK(result.disagreements.empty());
  std::size_t draws = 0;
  for (const conform::Step& step : sequence.steps) draws += step.shows_random;
  CHECK(result.skipped == draws);
  CHECK(conform::summary_text(result).find("not compared") != std::string::npos);
}

TEST_CASE("the simulated Redis agrees with a real redis-server 7.0 on 10000 generated commands and every script case",
          "[conform][redis-server]") {
  test_support::RedisServerProcess server;
  conform::RespClient client(server.endpoint());
  conform::SendCommand send = [&client](const Argv& argv) { return client.call(argv); };
  std::string version = conform::server_version(send);
  INFO("redis_version " << version);
  CHECK(version.rfind("7.0.", 0) == 0);
  for (std::uint64_t seed : {1, 2}) {
    conform::SequenceOptions options;
    options.seed = seed;
    options.command_count = seed == 1 ? 10'000 : 2'000;
    conform::Sequence sequence = conform::build_sequence(options);
    conform::ConformResult result = conform::run_conformance(sequence, send);
    INFO("seed " << seed << "\n" << conform::summary_text(result) << all_disagreements(sequence, result));
    CHECK(result.steps >= options.command_count + 150);
    CHECK(result.disagreements.empty());
    CHECK(result.within_tolerance + result.identical > 0);
    if (seed == 1) {
      // Only the first run meets the server fresh; the second shows the skip rule at work.
      CHECK(result.random_stream_fresh);
      CHECK(result.skipped == 0);
    } else {
      CHECK_FALSE(result.random_stream_fresh);
    }
  }
}

TEST_CASE("designsim conform exits 0 against a real server that agrees", "[conform][redis-server][cli]") {
  test_support::RedisServerProcess server;
  int status = -1;
  std::string out = designsim("conform --redis " + server.endpoint().text() + " --seed 3 --commands 300", status);
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find("seed 3") < out.find(" 0 disagreed"));
  CHECK(out.find("redis_version 7.0.") != std::string::npos);
}

// Sequences the real server answered that pin down behaviour found while building the harness:
// the replies below are redis-server 7.0.15's, replayed here against the simulated engine alone.
TEST_CASE("a script refused for its key count or its shebang is not cached, as on a real server",
          "[conform][regression]") {
  redis::Engine engine(redis::Version::v7_0);
  engine.set_script_host(redis::make_lua_host(redis::Version::v7_0));
  redis::ExecContext ctx;
  ctx.now_ms = 1'700'000'000'000;
  auto run = [&](const Argv& argv) { return engine.execute(argv, ctx).resp(); };
  CHECK(run({"EVAL", "return 7", "5"}) == "-ERR Number of keys can't be greater than number of args\r\n");
  CHECK(run({"SCRIPT", "EXISTS", redis::sha1_hex("return 7")}) == "*1\r\n:0\r\n");
  CHECK(run({"EVAL", "return 1", "abc"}) == "-ERR value is not an integer or out of range\r\n");
  CHECK(run({"SCRIPT", "EXISTS", redis::sha1_hex("return 1")}) == "*1\r\n:0\r\n");
  CHECK(run({"EVAL", "#!python\nreturn 1", "0"}) == "-ERR Unexpected engine in script shebang: #!python\r\n");
  CHECK(run({"EVAL", "#!lua flags=bogus\nreturn 1", "0"}) == "-ERR Unexpected flag in script shebang: bogus\r\n");
  CHECK(run({"SCRIPT", "EXISTS", redis::sha1_hex("#!python\nreturn 1"),
             redis::sha1_hex("#!lua flags=bogus\nreturn 1")}) == "*2\r\n:0\r\n:0\r\n");
  CHECK(run({"EVAL", "return 7", "0"}) == ":7\r\n");
  CHECK(run({"SCRIPT", "EXISTS", redis::sha1_hex("return 7")}) == "*1\r\n:1\r\n");
}

TEST_CASE("the rate limiter with a fractional window adds its member and then fails on EXPIRE, leaving no TTL",
          "[conform][regression]") {
  redis::Engine engine(redis::Version::v7_0);
  engine.set_script_host(redis::make_lua_host(redis::Version::v7_0));
  redis::ExecContext ctx;
  ctx.now_ms = 1'700'000'000'000;
  auto run = [&](const Argv& argv) { return engine.execute(argv, ctx).resp(); };
  const std::string& script = ratelimiter::spec_sliding_window_log_script();
  std::string error =
      "-ERR value is not an integer or out of range script: " + redis::sha1_hex(script) + ", on @user_script:17.\r\n";
  CHECK(run({"EVAL", script, "1", "rl", "1.5", "3", "1700000000"}) == error);
  CHECK(run({"EVAL", script, "1", "rl", "1.5", "3", "1700000000"}) == error);
  CHECK(run({"ZCARD", "rl"}) == ":2\r\n");
  CHECK(run({"TTL", "rl"}) == ":-1\r\n");
}

// Found by conform --seed 11 --commands 100000: with mixed scores a member's place in the set is
// not its place in lexicographic order, and Redis gives up on a BYLEX range whose first member
// (in the walk's direction) lies outside the far bound, although later members would match.
TEST_CASE("a lexicographic range on a mixed-score set is empty when its first member is outside, as on a real server",
          "[conform][regression]") {
  redis::Engine engine(redis::Version::v7_0);
  redis::ExecContext ctx;
  ctx.now_ms = 1'700'000'000'000;
  auto run = [&](const Argv& argv) { return engine.execute(argv, ctx).resp(); };
  CHECK(run({"ZADD", "z", "1", "m1", "2", "m2", "3", "a", "4", "m3"}) == ":4\r\n");
  CHECK(run({"ZRANGE", "z", "[m1", "[m1", "BYLEX", "REV", "LIMIT", "1", "5"}) == "*0\r\n");
  CHECK(run({"ZRANGE", "z", "[m1", "[m1", "BYLEX", "REV"}) == "*0\r\n");
  CHECK(run({"ZRANGE", "z", "[m1", "[m2", "BYLEX", "LIMIT", "1", "5"}) == "*2\r\n$2\r\nm2\r\n$1\r\na\r\n");
  CHECK(run({"ZRANGE", "z", "[m3", "[m1", "BYLEX", "REV"}) == "*1\r\n$2\r\nm3\r\n");
  CHECK(run({"ZRANGE", "z", "(m2", "-", "BYLEX", "REV", "LIMIT", "0", "2"}) == "*2\r\n$1\r\na\r\n$2\r\nm2\r\n");
  CHECK(run({"ZRANGEBYLEX", "z", "-", "(m2", "LIMIT", "1", "2"}) == "*0\r\n");
}
