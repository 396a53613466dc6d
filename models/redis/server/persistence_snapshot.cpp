#include "models/redis/server/persistence_snapshot.hpp"


namespace redis {
namespace {

// Reads as loading does: nothing expires, PTTL is the absolute deadline.
Reply read(Engine& engine, Argv argv) { return engine.execute(argv, ExecContext{0, false, 0}); }

// The commands that rebuild `key`; empty when the key is gone.
std::vector<Argv> dump_key(Engine& engine, const std::string& key) {
  std::string type = read(engine, {"TYPE", key}).text;
  std::vector<Argv> out;
  if (type == "string") {
    out.push_back({"SET", key, read(engine, {"GET", key}).text});
  } else if (type == "zset" || type == "hash") {
    Reply items =
        type == "zset" ? read(engine, {"ZRANGE", key, "0", "-1", "WITHSCORES"}) : read(engine, {"HGETALL", key});
    Argv command{type == "zset" ? "ZADD" : "HSET", key};
    // ZRANGE answers member, score; ZADD takes score, member. HGETALL and HSET agree.
    for (std::size_t i = 0; i + 1 < items.elements.size(); i += 2) {
      const std::string& first = items.elements[i].text;
      const std::string& second = items.elements[i + 1].text;
      if (type == "zset") {
        command.push_back(second);
        command.push_back(first);
      } else {
        command.push_back(first);
        command.push_back(second);
      }
    }
    out.push_back(std::move(command));
  } else {
    return out;
  }
  Reply deadline = read(engine, {"PTTL", key});
  if (deadline.type == Reply::Type::integer && deadline.integer >= 0)
    out.push_back({"PEXPIREAT", key, std::to_string(deadline.integer)});
  return out;
}

}  // namespace

std::vector<Argv> dump_dataset(Engine& engine) {
  std::vector<Argv> dataset;
  for (const std::string& key : engine.keys()) {
    for (Argv& command : dump_key(engine, key)) dataset.push_back(std::move(command));
  }
  return dataset;
}

}  // namespace redis
