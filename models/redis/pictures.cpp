#include "models/redis/pictures.hpp"

#include <fmt/format.h>

#include "models/redis/server/server.hpp"

namespace redis {

ReplicationSampler::ReplicationSampler(const Deployment& deployment, const sim::World& world, std::string name)
    : deployment_(deployment), name_(std::move(name)) {
  std::vector<sim::NodeId> masters = deployment.masters();
  for (std::size_t s = 0; s < masters.size(); ++s) {
    const std::vector<sim::NodeId>& servers = deployment.shard(static_cast<int>(s));
    if (servers.size() < 2) continue;
    Shard shard;
    shard.index = s;
    shard.servers = servers;
    for (sim::NodeId node : servers) shard.names.push_back(world.node(node).name());
    shard.lag.resize(servers.size());
    shard.master = masters[s];
    shards_.push_back(std::move(shard));
  }
}

void ReplicationSampler::sample(sim::Instant at) {
  std::vector<sim::NodeId> masters = deployment_.masters();
  double x = at.since_start().seconds_f();
  for (Shard& shard : shards_) {
    sim::NodeId master = masters[shard.index];
    if (master != shard.master) {
      shard.master = master;
      for (std::size_t i = 0; i < shard.servers.size(); ++i)
        if (shard.servers[i] == master) shard.failovers.emplace_back(x, "failover: " + shard.names[i] + " master");
    }
    const Server* leader = deployment_.server(master);
    if (!leader) continue;
    for (std::size_t i = 0; i < shard.servers.size(); ++i) {
      const Server* server = deployment_.server(shard.servers[i]);
      if (!server || shard.servers[i] == master) continue;
      double lag = static_cast<double>(leader->offset()) - static_cast<double>(server->offset());
      shard.lag[i].emplace_back(x, lag);
    }
  }
}

std::vector<sim::Plot> ReplicationSampler::plots() const {
  std::vector<sim::Plot> plots;
  for (const Shard& shard : shards_) {
    sim::Plot plot;
    plot.title = fmt::format("{} ({}): each replica's replication offset behind the master's", name_,
                             shard.names.front());
    plot.x_label = "true time (s)";
    plot.y_label = "lag (bytes)";
    for (std::size_t i = 0; i < shard.servers.size(); ++i)
      if (!shard.lag[i].empty())
        plot.lines.push_back(sim::PlotLine{shard.names[i] + " behind the master", shard.lag[i]});
    plot.marks = shard.failovers;
    if (plot.lines.empty() && plot.marks.empty()) continue;
    plots.push_back(std::move(plot));
  }
  return plots;
}

}  // namespace redis
