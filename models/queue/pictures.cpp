#include "models/queue/pictures.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>

#include "models/queue/broker.hpp"
#include "models/queue/intervals.hpp"

namespace queue {

PartitionSampler::PartitionSampler(const Context& context) : context_(context) {
  Partition blank;
  blank.end.resize(context.brokers.size());
  blank.held.assign(context.brokers.size(), false);
  partitions_.assign(static_cast<std::size_t>(context.options.partitions), blank);
}

std::string PartitionSampler::broker_list(const std::vector<int>& brokers) const {
  std::vector<std::string> names;
  for (int b : brokers) names.push_back(context_.options.broker_name(b));
  return names.empty() ? "none" : fmt::format("{}", fmt::join(names, ", "));
}

void PartitionSampler::sample_partition(int p, double x) {
  Partition& part = partitions_[static_cast<std::size_t>(p)];
  int leader = -1;
  Broker::PartitionView lead;
  for (std::size_t b = 0; b < context_.brokers.size(); ++b) {
    const Broker* broker = context_.world.node(context_.brokers[b]).process<Broker>();
    if (!broker) continue;
    Broker::PartitionView view = broker->view(p);
    if (view.held) part.held[b] = true;
    if (view.leader && (leader < 0 || view.epoch > lead.epoch)) leader = static_cast<int>(b), lead = view;
  }
  for (std::size_t b = 0; b < context_.brokers.size(); ++b) {
    if (!part.held[b]) continue;
    const BrokerDisk& disk = context_.disks[b];
    part.end[b].emplace_back(x, static_cast<double>(disk.logs[static_cast<std::size_t>(p)].end()));
  }
  if (leader >= 0) {
    Offset hw = context_.disks[static_cast<std::size_t>(leader)].high_watermarks[static_cast<std::size_t>(p)];
    part.high_watermark.emplace_back(x, static_cast<double>(hw));
  }
  if (leader == part.leader && (leader < 0 || (lead.epoch == part.epoch && lead.isr == part.isr))) return;
  std::string label = leader < 0 ? "no leader"
                      : leader != part.leader || lead.epoch != part.epoch
                          ? fmt::format("{} leads (epoch {}), ISR {}", context_.options.broker_name(leader), lead.epoch,
                                        broker_list(lead.isr))
                          : "ISR " + broker_list(lead.isr);
  part.leader = leader, part.epoch = lead.epoch, part.isr = lead.isr;
  if (part.marks.size() < max_marks)
    part.marks.emplace_back(x, label);
  else
    ++part.marks_left_out;
}

void PartitionSampler::sample(sim::Instant at) {
  double x = at.since_start().seconds_f();
  for (int p = 0; p < static_cast<int>(partitions_.size()); ++p) sample_partition(p, x);
}

std::vector<std::pair<double, double>> lost_acked_offsets(const Observations& o, int p, std::size_t limit) {
  if (p >= static_cast<int>(o.final_logs.size())) return {};
  std::map<std::uint32_t, std::vector<Span>> kept;  // by producer: sequence numbers in the final log
  Offset final_end = 0;
  for (const Batch& b : o.final_logs[static_cast<std::size_t>(p)]) {
    kept[b.producer].emplace_back(b.first_seq, b.first_seq + b.count);
    final_end = std::max(final_end, b.end());
  }
  for (auto& [producer, spans] : kept) spans = merge_spans(std::move(spans));
  std::vector<std::pair<double, double>> dots;
  static const std::vector<Span> none;
  for (const Ack& ack : o.acks) {
    if (ack.partition != p || dots.size() >= limit) continue;
    auto it = kept.find(ack.producer);
    for (const Span& missing : uncovered(it == kept.end() ? none : it->second, ack.first_seq,
                                         ack.first_seq + ack.count)) {
      Offset at = ack.base + (missing.first - ack.first_seq);
      // Past the final log's end, a message was never there to lose (the check calls it unseen).
      if (at < final_end && dots.size() < limit)
        dots.emplace_back(ack.acked.since_start().seconds_f(), static_cast<double>(at));
    }
  }
  return dots;
}

std::vector<sim::Plot> PartitionSampler::plots(const Observations& o) const {
  std::vector<int> order;  // partitions with lost offsets first, then by index
  std::vector<std::vector<std::pair<double, double>>> lost;
  for (int p = 0; p < static_cast<int>(partitions_.size()); ++p)
    lost.push_back(lost_acked_offsets(o, p, max_lost_dots));
  for (int pass = 0; pass < 2; ++pass)
    for (int p = 0; p < static_cast<int>(partitions_.size()); ++p)
      if (lost[static_cast<std::size_t>(p)].empty() == (pass == 1)) order.push_back(p);
  std::vector<sim::Plot> plots;
  for (int p : order) {
    if (plots.size() >= max_partitions) break;
    const Partition& part = partitions_[static_cast<std::size_t>(p)];
    sim::Plot plot;
    plot.title = fmt::format("partition {}: each replica's log end offset and the high watermark", p);
    if (part.marks_left_out > 0)
      plot.title += fmt::format(" ({} later leader or ISR changes not marked)", part.marks_left_out);
    plot.x_label = "true time (s)";
    plot.y_label = "offset";
    for (std::size_t b = 0; b < part.end.size(); ++b)
      if (part.held[b])
        plot.lines.push_back(
            sim::PlotLine{context_.options.broker_name(static_cast<int>(b)) + " log end", part.end[b]});
    plot.lines.push_back(sim::PlotLine{"high watermark (leader)", part.high_watermark});
    if (!lost[static_cast<std::size_t>(p)].empty())
      plot.lines.push_back(sim::PlotLine{"acknowledged, then lost", lost[static_cast<std::size_t>(p)], true});
    plot.marks = part.marks;
    plots.push_back(std::move(plot));
  }
  return plots;
}

}  // namespace queue
