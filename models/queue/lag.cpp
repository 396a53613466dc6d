#include "models/queue/lag.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "models/queue/broker.hpp"

namespace queue {
namespace {

// The high watermark of the partition's leader with the newest epoch; -1 when none leads.
Offset leader_high_watermark(const Context& context, int partition) {
  Offset hw = -1;
  Epoch epoch = -1;
  for (std::size_t b = 0; b < context.brokers.size(); ++b) {
    const Broker* broker = context.world.node(context.brokers[b]).process<Broker>();
    if (!broker) continue;
    Broker::PartitionView view = broker->view(partition);
    if (!view.leader || view.epoch <= epoch) continue;
    epoch = view.epoch;
    hw = context.disks[b].high_watermarks[static_cast<std::size_t>(partition)];
  }
  return hw;
}

void take_sample(Context& context, std::vector<Offset>& last_end) {
  LagSample sample{context.world.now(), {}};
  const std::vector<Offset>& committed = context.disks[static_cast<std::size_t>(Context::coordinator)].committed;
  for (int p = 0; p < context.options.partitions; ++p) {
    Offset hw = leader_high_watermark(context, p);
    Offset& end = last_end[static_cast<std::size_t>(p)];
    if (hw >= 0) end = hw;  // with no leader, the last high watermark seen
    sample.lag.push_back(std::max<Offset>(0, end - std::max<Offset>(0, committed[static_cast<std::size_t>(p)])));
  }
  context.recorder->sampled_lag(std::move(sample));
}

void schedule_sample(const std::shared_ptr<Context>& context, sim::Instant at, sim::Duration slice, sim::Instant end,
                     const std::shared_ptr<std::vector<Offset>>& last_end) {
  if (at > end) return;
  context->world.schedule_at(at, sim::no_node, 0, [context, at, slice, end, last_end] {
    take_sample(*context, *last_end);
    schedule_sample(context, at + slice, slice, end, last_end);
  });
}

}  // namespace

void sample_lag(const std::shared_ptr<Context>& context, sim::Instant end) {
  sim::Duration slice = std::max(sim::Duration::milliseconds(100), end.since_start() / 200);
  auto last_end = std::make_shared<std::vector<Offset>>(static_cast<std::size_t>(context->options.partitions), 0);
  schedule_sample(context, sim::Instant::zero() + slice, slice, end, last_end);
}

LagPeak lag_peak(const Observations& o) {
  LagPeak peak;
  for (const LagSample& s : o.lag)
    for (std::size_t p = 0; p < s.lag.size(); ++p)
      if (peak.partition < 0 || s.lag[p] > peak.lag) peak = LagPeak{s.lag[p], static_cast<int>(p), s.at};
  return peak;
}

sim::Plot lag_plot(const Observations& o) {
  sim::Plot plot;
  plot.title = "Consumer lag by partition: the leader's high watermark less the group's committed offset";
  plot.x_label = "true time (s)";
  plot.y_label = "messages";
  for (int p = 0; p < o.partitions; ++p) plot.lines.push_back(sim::PlotLine{fmt::format("p{}", p), {}});
  for (const LagSample& s : o.lag)
    for (std::size_t p = 0; p < s.lag.size() && p < plot.lines.size(); ++p)
      plot.lines[p].points.emplace_back(s.at.since_start().seconds_f(), static_cast<double>(s.lag[p]));
  LagPeak peak = lag_peak(o);
  if (peak.partition >= 0)
    plot.marks.emplace_back(peak.at.since_start().seconds_f(),
                            fmt::format("largest lag: {} messages on p{}", peak.lag, peak.partition));
  return plot;
}

}  // namespace queue
