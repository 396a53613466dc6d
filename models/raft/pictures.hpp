// What a Raft group adds to a run's pictures: who led which term over the whole run, one lane
// per member with a bar per leadership (a member in the leader role for one term) and a mark
// where a term was first seen led (an election). Built from samples of each member's role and
// term (Model::sample_for_pictures), so a bar's ends are as precise as the sampling, and the
// chart's size is bounded by the number of samples, not by the run's length.
//
// Determinism: members in the order given; bars and marks in sample order.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "models/raft/node.hpp"
#include "sim/results/pictures.hpp"

namespace raft {

class LeadershipSampler {
public:
  /// `members`: the lane names, in the order each sample gives their nodes.
  explicit LeadershipSampler(std::vector<std::string> members);

  /// Each member's Raft node at `at`, in the constructor's order; nullptr while crashed.
  void sample(sim::Instant at, const std::vector<const RaftNode*>& nodes);

  /// The chart, each leadership still open ending at `end`.
  sim::LaneChart chart(std::string title, sim::Instant end) const;

private:
  struct Leading {
    Term term = 0;
    sim::Instant from;
  };
  void close(std::size_t member, sim::Instant at);

  static constexpr std::size_t max_shapes = 400;
  std::vector<std::string> members_;
  std::vector<std::optional<Leading>> leading_;
  std::vector<sim::LaneBar> bars_;
  std::vector<sim::LaneMark> marks_;
  std::uint64_t left_out_ = 0;
  Term highest_led_ = 0;
};

}  // namespace raft
