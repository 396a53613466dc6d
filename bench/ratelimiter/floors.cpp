#include "bench/ratelimiter/floors.hpp"

#include "bench/ratelimiter/real_redis.hpp"

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <ctime>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/ratelimiter/options.hpp"
#include "models/ratelimiter/population.hpp"
#include "models/ratelimiter/algorithms/script_call.hpp"
#include "models/ratelimiter/algorithms/scripts.hpp"
#include "models/redis/server/cluster.hpp"
#include "models/redis/engine/engine.hpp"
#include "models/redis/lua/lua_host.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/random.hpp"

namespace bench {
namespace {

double thread_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

// The benchmark scenario's limiter settings; everything else keeps the model's defaults,
// as the scenario does.
ratelimiter::RateLimiterOptions scenario_options() {
  ratelimiter::RateLimiterOptions options;
  options.algorithm = ratelimiter::Algorithm::sliding_window_counter;
  options.placement = ratelimiter::Placement::redis;
  options.user_count = 1'000'000;
  options.user_skew = 1.0;
  options.paid_share = sim::Ratio{1, 5};
  return options;
}

// Each key's three hash fields (window, count, previous) as integers in a flat table: the values
// the script stores are whole numbers. The stubs below answer redis.call from it.
class FieldStore {
public:
  struct Fields {
    std::array<std::int64_t, 3> values{};
    bool present = false;
  };
  explicit FieldStore(std::size_t keys) : fields_(keys) {}
  Fields& of(std::string_view key) {
    std::size_t user = 0;
    auto digits = key.rfind('_') + 1;
    std::from_chars(key.data() + digits, key.data() + key.size(), user);
    return fields_.at(user);
  }

private:
  std::vector<Fields> fields_;
};

// redis.call for the script through the host: HMGET answers the fields as the bulk strings
// Redis would, HSET stores them, PEXPIRE answers 1.
class StubRunner final : public redis::CommandRunner {
public:
  explicit StubRunner(FieldStore& store) : store_(store) {}

  redis::Reply run(const std::vector<std::string>& argv) override {
    FieldStore::Fields& fields = store_.of(argv.at(1));
    switch (argv[0][1]) {
      case 'M': {  // HMGET key window count previous
        std::vector<redis::Reply> values;
        values.reserve(3);
        for (std::int64_t value : fields.values)
          values.push_back(fields.present ? redis::Reply::bulk(std::to_string(value)) : redis::Reply::null());
        return redis::Reply::array(std::move(values));
      }
      case 'S': {  // HSET key window w count c previous p
        bool fresh = !fields.present;
        fields.present = true;
        for (std::size_t i = 0; i < 3; ++i) {
          const std::string& text = argv.at(3 + 2 * i);
          std::from_chars(text.data(), text.data() + text.size(), fields.values[i]);
        }
        return redis::Reply::from_integer(fresh ? 3 : 0);
      }
      default: return redis::Reply::from_integer(1);  // PEXPIRE
    }
  }
  bool is_write(const std::string& command) const override { return command != "HMGET"; }

private:
  FieldStore& store_;
};

// The script in a bare Lua 5.1 state: the standard libraries, KEYS and ARGV as plain globals,
// and a redis.call in C that answers from the store with the fewest conversions Lua allows. No
// sandbox, no error handler, no instruction hook, no replies turned into Redis's: what is left
// is the interpreter's own cost.
class BareLua {
public:
  BareLua(const std::string& script, FieldStore& store) : L_(luaL_newstate()) {
    luaL_openlibs(L_);
    lua_createtable(L_, 0, 1);
    lua_pushlightuserdata(L_, &store);
    lua_pushcclosure(L_, call, 1);
    lua_setfield(L_, -2, "call");
    lua_setglobal(L_, "redis");
    if (luaL_loadbuffer(L_, script.data(), script.size(), "@user_script") != 0)
      throw std::runtime_error(std::string("the script does not compile: ") + lua_tostring(L_, -1));
    function_ = luaL_ref(L_, LUA_REGISTRYINDEX);
  }
  ~BareLua() { lua_close(L_); }
  BareLua(const BareLua&) = delete;
  BareLua& operator=(const BareLua&) = delete;

  /// EVALSHA's arguments after the SHA: numkeys, the key, then ARGV. Returns the script's integer.
  lua_Integer run(const std::vector<std::string>& args) {
    set_array("KEYS", args, 2, 3);
    set_array("ARGV", args, 3, args.size());
    lua_rawgeti(L_, LUA_REGISTRYINDEX, function_);
    if (lua_pcall(L_, 0, 1, 0) != 0) throw std::runtime_error(std::string("the script failed: ") + lua_tostring(L_, -1));
    lua_Integer result = lua_tointeger(L_, -1);
    lua_pop(L_, 1);
    return result;
  }

private:
  void set_array(const char* name, const std::vector<std::string>& items, std::size_t begin, std::size_t end) {
    lua_createtable(L_, static_cast<int>(end - begin), 0);
    for (std::size_t i = begin; i < end; ++i) {
      lua_pushlstring(L_, items[i].data(), items[i].size());
      lua_rawseti(L_, -2, static_cast<int>(i - begin + 1));
    }
    lua_setglobal(L_, name);
  }

  static int call(lua_State* L) {
    auto& store = *static_cast<FieldStore*>(lua_touserdata(L, lua_upvalueindex(1)));
    std::size_t length = 0;
    const char* command = lua_tolstring(L, 1, &length);
    const char* key = lua_tolstring(L, 2, &length);
    FieldStore::Fields& fields = store.of(std::string_view(key, length));
    if (command[1] == 'M') {  // HMGET: three bulk strings, or false for each missing one
      lua_createtable(L, 3, 0);
      for (int i = 0; i < 3; ++i) {
        char text[24];
        auto written = std::to_chars(text, text + sizeof text, fields.values[static_cast<std::size_t>(i)]);
        if (fields.present)
          lua_pushlstring(L, text, static_cast<std::size_t>(written.ptr - text));
        else
          lua_pushboolean(L, 0);
        lua_rawseti(L, -2, i + 1);
      }
      return 1;
    }
    if (command[1] == 'S') {  // HSET key window w count c previous p
      fields.present = true;
      for (int i = 0; i < 3; ++i) fields.values[static_cast<std::size_t>(i)] = lua_tointeger(L, 4 + 2 * i);
    }
    lua_pushinteger(L, 1);
    return 1;
  }

  lua_State* L_;
  int function_ = LUA_NOREF;
};

struct Draws {
  std::vector<std::uint32_t> users;
  std::vector<std::uint64_t> at;   // each draw's place in the whole sequence: it arrives at 5 us * (at + 1)
  std::vector<std::string> names;  // every user's key name, built before the clock starts
};

// `count` users in the scenario's Zipf order.
Draws draw_users(const ratelimiter::Population& population, std::uint64_t count) {
  Draws draws;
  draws.names.resize(population.user_count());
  for (std::uint32_t u = 0; u < population.user_count(); ++u) draws.names[u] = population.key_name(population.user_key(u));
  sim::Rng rng(20261128);
  sim::Zipf zipf(population.user_count(), 1.0);
  draws.users.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    draws.users.push_back(static_cast<std::uint32_t>(zipf.sample(rng) - 1));
    draws.at.push_back(i);
  }
  return draws;
}

// The draws whose key the first of three cluster masters holds, at their times in the whole
// sequence: the requests that master serves.
Draws first_master_share(const Draws& all) {
  redis::SlotRange first = redis::shard_slots(0, 3);
  Draws share;
  share.names = all.names;
  for (std::size_t i = 0; i < all.users.size(); ++i) {
    if (!first.contains(redis::key_slot(all.names[all.users[i]]))) continue;
    share.users.push_back(all.users[i]);
    share.at.push_back(all.at[i]);
  }
  return share;
}

// Runs `decide` over the draws, the first sixth of them unmeasured; `decide` returns whether
// it admitted. With `drop_command_word`, decide gets the arguments after EVALSHA, as
// run_evalsha takes them. The commands are built in batches with the clock stopped: only
// `decide` is timed.
template <typename Decide>
DecisionCost time_decisions(const ratelimiter::RateLimiterOptions& options, const ratelimiter::Population& population,
                            const Draws& draws, bool drop_command_word, Decide decide) {
  constexpr std::size_t batch = 4096;
  constexpr std::int64_t start_ns = 1'700'000'000'000'000'000;
  std::size_t warm = draws.users.size() / 6;
  std::vector<std::vector<std::string>> commands;
  std::vector<std::int64_t> walls;
  double spent = 0;
  std::uint64_t admitted = 0;
  for (std::size_t first = 0; first < draws.users.size(); first += batch) {
    commands.clear();
    walls.clear();
    for (std::size_t i = first; i < std::min(first + batch, draws.users.size()); ++i) {
      auto wall_ns = start_ns + static_cast<std::int64_t>(draws.at[i] + 1) * 5'000;
      ratelimiter::Key key = population.user_key(draws.users[i]);
      commands.push_back(ratelimiter::decision_command(options, draws.names[draws.users[i]], population.limit(key),
                                                       sim::WallTime::from_unix_ns(wall_ns)));
      if (drop_command_word) commands.back().erase(commands.back().begin());
      walls.push_back(wall_ns);
    }
    double start = thread_cpu_seconds();
    for (std::size_t j = 0; j < commands.size(); ++j) admitted += decide(commands[j], walls[j]) ? 1 : 0;
    if (first >= warm) spent += thread_cpu_seconds() - start;
  }
  std::size_t measured = draws.users.size() - (warm + batch - 1) / batch * batch;
  return DecisionCost{spent * 1e9 / static_cast<double>(measured),
               static_cast<double>(admitted) / static_cast<double>(draws.users.size())};
}

bool decision_of(const ratelimiter::RateLimiterOptions& options, const redis::Reply& reply) {
  std::optional<ratelimiter::Decision> decision = ratelimiter::read_decision(options, reply);
  if (!decision) throw std::runtime_error("not a decision: " + reply.describe());
  return decision->admitted;
}

}  // namespace

DecisionFloors measure_decision_floors(std::uint64_t decisions) {
  ratelimiter::RateLimiterOptions options = scenario_options();
  ratelimiter::Population population(options, sim::Rng(1), sim::Rng(2));
  const std::string& script = ratelimiter::decision_script(options.algorithm, options.now_source);
  DecisionFloors floors;
  Draws draws = draw_users(population, decisions + decisions / 5);
  floors.decisions = draws.users.size();
  {
    FieldStore store(population.user_count());
    BareLua lua(script, store);
    floors.bare_lua = time_decisions(options, population, draws, true, [&](const std::vector<std::string>& argv, std::int64_t) {
      lua_Integer allowed = lua.run(argv);
      if (allowed != 0 && allowed != 1) throw std::runtime_error("not a decision");
      return allowed == 1;
    });
  }
  {
    redis::LuaHost host(redis::Version::v7_0);
    FieldStore store(population.user_count());
    StubRunner runner(store);
    std::vector<std::string> load{"LOAD", script};
    host.run_script(load);
    // run_evalsha takes the arguments without the command word.
    floors.script_alone = time_decisions(options, population, draws, true, [&](const std::vector<std::string>& argv, std::int64_t) {
      return decision_of(options, host.run_evalsha(runner, argv));
    });
  }
  {
    Draws share = first_master_share(draws);
    floors.engine_decisions = share.users.size();
    redis::Engine engine(redis::Version::v7_0);
    engine.set_script_host(redis::make_lua_host(redis::Version::v7_0));
    redis::ExecContext ctx;
    std::vector<std::string> load{"SCRIPT", "LOAD", script};
    engine.execute(load, ctx);
    floors.on_engine = time_decisions(options, population, share, false, [&](const std::vector<std::string>& argv, std::int64_t wall_ns) {
      ctx.now_ms = wall_ns / 1'000'000;
      redis::Reply reply = engine.execute(argv, ctx);
      engine.take_effects();  // as the server does after every command
      return decision_of(options, reply);
    });
  }
  return floors;
}

RealServerCost measure_real_server(std::uint64_t decisions) {
  ratelimiter::RateLimiterOptions options = scenario_options();
  ratelimiter::Population population(options, sim::Rng(1), sim::Rng(2));
  const std::string& script = ratelimiter::decision_script(options.algorithm, options.now_source);
  Draws draws = draw_users(population, decisions + decisions / 5);
  RealRedis server;
  std::vector<std::string> replies;
  server.pipeline({{"SCRIPT", "LOAD", script}}, &replies);
  server.pipeline({{"INFO", "server"}}, &replies);
  RealServerCost cost;
  std::size_t at = replies.back().find("redis_version:");
  if (at != std::string::npos) cost.version = replies.back().substr(at + 14, replies.back().find('\r', at) - at - 14);
  constexpr std::size_t batch_size = 512;
  constexpr std::int64_t start_ns = 1'700'000'000'000'000'000;
  std::size_t warm = draws.users.size() / 6;
  std::vector<std::vector<std::string>> batch;
  double cpu_at_warm = 0;
  std::uint64_t admitted = 0;
  for (std::size_t first = 0; first < draws.users.size(); first += batch_size) {
    if (first >= warm && cpu_at_warm == 0) {
      cpu_at_warm = server.cpu_seconds();
      cost.decisions = draws.users.size() - first;
    }
    batch.clear();
    replies.clear();
    for (std::size_t i = first; i < std::min(first + batch_size, draws.users.size()); ++i) {
      auto wall_ns = start_ns + static_cast<std::int64_t>(draws.at[i] + 1) * 5'000;
      ratelimiter::Key key = population.user_key(draws.users[i]);
      batch.push_back(ratelimiter::decision_command(options, draws.names[draws.users[i]], population.limit(key),
                                                    sim::WallTime::from_unix_ns(wall_ns)));
    }
    server.pipeline(batch, &replies);
    for (const std::string& reply : replies) {
      if (reply != ":0\r\n" && reply != ":1\r\n") throw std::runtime_error("redis-server answered " + reply);
      admitted += reply == ":1\r\n" ? 1 : 0;
    }
  }
  cost.ns = (server.cpu_seconds() - cpu_at_warm) * 1e9 / static_cast<double>(cost.decisions);
  cost.admitted_share = static_cast<double>(admitted) / static_cast<double>(draws.users.size());
  return cost;
}

}  // namespace bench
