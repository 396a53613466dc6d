// The master's output to its replicas, where replication lag lives in Redis: a write is in the
// replica's output buffer (the process's memory) until the event loop writes it to the socket,
// then in the socket's send buffer (the machine's kernel) until it goes on the wire. Redis writes
// to a replica's socket as soon as it can, so its own buffer holds only what the kernel has no
// room for; `send_buffer_bytes` is that room. Each message leaves `replication_lag` after it was
// queued, in order. A crash of the process frees the output buffer with it; the kernel's part is
// the network's to send or lose (Network::send_at).
#include "models/redis/server/server.hpp"

namespace redis {

void Server::send_to_replica(sim::NodeId replica, sim::MessagePtr body, std::uint64_t bytes) {
  OutputLink& link = outputs_[replica];
  sim::Instant now = world_.now();
  sim::Duration lag = options_.replication_lag.sample(lag_rng_);
  link.tail = std::max(link.tail, now + lag);
  link.buffer.push_back(Outgoing{std::move(body), bytes, link.tail});
  write_output(replica);
}

void Server::write_output(sim::NodeId replica) {
  auto found = outputs_.find(replica);
  if (found == outputs_.end()) return;
  OutputLink& link = found->second;
  sim::Instant now = world_.now();
  while (!link.in_kernel.empty() && link.in_kernel.front().first <= now) {
    link.kernel_bytes -= link.in_kernel.front().second;
    link.in_kernel.pop_front();
  }
  // A write to a socket whose buffer has some room takes what fits; an empty buffer takes a
  // message of any size (the kernel takes the rest as the first part leaves).
  while (!link.buffer.empty() &&
         (link.kernel_bytes == 0 || link.kernel_bytes + link.buffer.front().bytes <= options_.send_buffer_bytes)) {
    Outgoing& next = link.buffer.front();
    sim::Instant leaves = std::max(next.leaves, now);
    if (leaves > now) {
      link.in_kernel.emplace_back(leaves, next.bytes);
      link.kernel_bytes += next.bytes;
    }
    world_.network().send_at(leaves, node_, replica, std::move(next.body));
    link.buffer.pop_front();
  }
  if (link.buffer.empty() || link.writable_armed) return;
  // The socket is writable again when the oldest part in the kernel has left.
  link.writable_armed = true;
  world_.schedule_at(link.in_kernel.front().first, node_, incarnation_, [this, replica] {
    if (auto it = outputs_.find(replica); it != outputs_.end()) it->second.writable_armed = false;
    write_output(replica);
  });
}

void Server::reset_output(sim::NodeId replica) {
  auto found = outputs_.find(replica);
  if (found == outputs_.end()) return;
  // What was written stays the kernel's; what Redis had not written goes with the connection.
  found->second.buffer.clear();
}

}  // namespace redis
