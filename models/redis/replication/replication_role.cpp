// Roles: REPLICAOF (promotion and demotion, persisted to the configuration file as Sentinel's
// CONFIG REWRITE does), ROLE and INFO replication.
#include <cctype>
#include <fmt/format.h>

#include "models/redis/server/server.hpp"

namespace redis {
namespace {

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

const char* link_state_name(Server::LinkState state) {
  switch (state) {
    case Server::LinkState::connecting: return "connecting";
    case Server::LinkState::transfer: return "sync";
    case Server::LinkState::connected: return "connected";
  }
  return "?";
}

}  // namespace

std::string Server::fresh_replid() {
  // One draw per statement: C++ leaves the order in which a call's arguments are evaluated to
  // the compiler (g++ and clang++ differ), so three draws as its arguments named a new lineage
  // differently under each.
  std::uint64_t high = replid_rng_.next_u64();
  std::uint64_t middle = replid_rng_.next_u64();
  auto low = static_cast<std::uint32_t>(replid_rng_.next_u64());
  return fmt::format("{:016x}{:016x}{:08x}", high, middle, low);
}

Reply Server::replicaof_command(const std::vector<std::string>& argv) {
  if (argv.size() != 3)
    return Reply::error(fmt::format("ERR wrong number of arguments for '{}' command", lower(argv[0])));
  if (lower(argv[1]) == "no" && lower(argv[2]) == "one") {
    if (!is_master()) become_master();
    return Reply::ok();
  }
  const std::string& port = argv[2];
  if (port.empty() || port.find_first_not_of("0123456789") != std::string::npos)
    return Reply::error("ERR Invalid master port");
  if (master_name_ == argv[1]) return Reply::status("OK Already connected to specified master");
  become_replica(argv[1]);
  return Reply::ok();
}

void Server::become_master() {
  std::string was = master_name_.value_or("?");
  master_name_.reset();
  master_node_.reset();
  link_ = LinkState::connected;
  // A new lineage that replicas of the old master can still continue up to this offset.
  history_.start_lineage(fresh_replid());
  no_replicas_since_s_ = wall_now().unix_s();  // the backlog's ttl starts now, not at the last replica's loss
  write_replicaof(world_.node(node_).disk(), std::nullopt);
  note("redis.promoted", fmt::format("replica of {} promoted to master at offset {} with {} keys", was,
                                     history_.offset(), engine_.key_count()));
}

void Server::become_replica(const std::string& master_name) {
  bool was_master = is_master();
  master_name_ = master_name;
  master_node_ = world_.find_node(master_name);
  link_ = LinkState::connecting;
  last_sync_request_.reset();
  replicas_.clear();
  good_replicas_ = 0;
  outputs_.clear();  // Redis frees its replicas' clients, output buffers and all
  unblock_all_waiters("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)");
  write_replicaof(world_.node(node_).disk(), master_name);
  note("redis.replicaof", fmt::format("{} now replicates {} (offset {}, {} keys)", was_master ? "master" : "replica",
                                      master_name, history_.offset(), engine_.key_count()));
  send_sync_request();
}

Reply Server::role_reply() const {
  if (is_master()) {
    std::vector<Reply> replicas;
    for (const auto& [node, replica] : replicas_.all()) {
      if (!replica.online) continue;
      replicas.push_back(Reply::array({Reply::bulk(world_.node(node).name()), Reply::bulk("6379"),
                                       Reply::bulk(std::to_string(replica.ack_offset))}));
    }
    return Reply::array({Reply::bulk("master"), Reply::from_integer(static_cast<std::int64_t>(history_.offset())),
                         Reply::array(std::move(replicas))});
  }
  return Reply::array({Reply::bulk("slave"), Reply::bulk(*master_name_), Reply::from_integer(6379),
                       Reply::bulk(link_state_name(link_)),
                       Reply::from_integer(static_cast<std::int64_t>(history_.offset()))});
}

Reply Server::info_replication() const {
  std::string text = "# Replication\r\n";
  if (is_master()) {
    text += "role:master\r\n";
    int online = 0;
    std::string lines;
    for (const auto& [node, replica] : replicas_.all()) {
      if (!replica.online) continue;
      lines += fmt::format("slave{}:ip={},port=6379,state=online,offset={},lag={}\r\n", online,
                           world_.node(node).name(), replica.ack_offset, wall_now().unix_s() - replica.last_ack_wall_s);
      ++online;
    }
    text += fmt::format("connected_slaves:{}\r\n", online) + lines;
  } else {
    text += fmt::format("role:slave\r\nmaster_host:{}\r\nmaster_port:6379\r\nmaster_link_status:{}\r\n", *master_name_,
                        link_ == LinkState::connected ? "up" : "down");
    text += fmt::format("slave_repl_offset:{}\r\nslave_read_only:1\r\nconnected_slaves:0\r\n", history_.offset());
  }
  text += fmt::format("master_replid:{}\r\nmaster_repl_offset:{}\r\n", history_.replid(), history_.offset());
  return Reply::bulk(text);
}

}  // namespace redis
