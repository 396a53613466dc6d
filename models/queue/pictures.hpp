// What the queue adds to a run's pictures: per partition, each replica's log end offset and the
// leader's high watermark over the whole run, with each leader change and ISR change marked
// (the new leader, its epoch and its ISR), and the acknowledged offsets the final log lost
// (what lost_acked_write counts) as dots at the time each was acknowledged. Built from samples
// of the brokers (Model::sample_for_pictures): at most one point per sample and line, and at
// most four partitions drawn (those with lost offsets first).
//
// Determinism: partitions and brokers by index; points in sample order.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "models/queue/context.hpp"
#include "models/queue/recorder.hpp"
#include "sim/results/pictures.hpp"

namespace queue {

class PartitionSampler {
public:
  explicit PartitionSampler(const Context& context);

  /// The brokers' logs, high watermarks, leaders and ISRs now.
  void sample(sim::Instant at);

  /// One plot per partition drawn; `o` must hold the final logs (after finish's read).
  std::vector<sim::Plot> plots(const Observations& o) const;

  static constexpr std::size_t max_partitions = 4;
  static constexpr std::size_t max_marks = 24;  ///< per partition
  static constexpr std::size_t max_lost_dots = 400;

private:
  struct Partition {
    std::vector<std::vector<std::pair<double, double>>> end;  ///< by broker: (s, log end offset)
    std::vector<std::pair<double, double>> high_watermark;
    std::vector<std::pair<double, std::string>> marks;
    std::size_t marks_left_out = 0;
    std::vector<bool> held;  ///< by broker: seen holding a replica
    int leader = -1;
    Epoch epoch = -1;
    std::vector<int> isr;
  };
  void sample_partition(int p, double x);
  std::string broker_list(const std::vector<int>& brokers) const;

  const Context& context_;
  std::vector<Partition> partitions_;
};

/// The acknowledged offsets of partition `p` that the final log lost, as (acked s, offset),
/// one dot per lost range, at most `limit` (the earliest acknowledged).
std::vector<std::pair<double, double>> lost_acked_offsets(const Observations& o, int p, std::size_t limit);

}  // namespace queue
