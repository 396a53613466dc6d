#include "models/raft/pictures.hpp"

#include <fmt/format.h>

namespace raft {

LeadershipSampler::LeadershipSampler(std::vector<std::string> members)
    : members_(std::move(members)), leading_(members_.size()) {}

void LeadershipSampler::close(std::size_t member, sim::Instant at) {
  const Leading& l = *leading_[member];
  if (bars_.size() + marks_.size() < max_shapes) {
    bars_.push_back(sim::LaneBar{members_[member], l.from, at, fmt::format("term {}", l.term),
                                 fmt::format("{} was seen leading term {} from {} to {}", members_[member], l.term,
                                             sim::to_string(l.from), sim::to_string(at))});
  } else {
    ++left_out_;
  }
  leading_[member].reset();
}

void LeadershipSampler::sample(sim::Instant at, const std::vector<const RaftNode*>& nodes) {
  for (std::size_t i = 0; i < members_.size() && i < nodes.size(); ++i) {
    const RaftNode* node = nodes[i];
    std::optional<Term> led;
    if (node && node->role() == Role::leader) led = node->term();
    if (leading_[i] && (!led || *led != leading_[i]->term)) close(i, at);
    if (!led || leading_[i]) continue;
    sim::Instant from = at;  // first seen leading now: it began after the previous sample
    leading_[i] = Leading{*led, from};
    if (*led <= highest_led_) continue;
    highest_led_ = *led;
    if (bars_.size() + marks_.size() < max_shapes)
      marks_.push_back(sim::LaneMark{members_[i], from, fmt::format("elected, term {}", *led)});
    else
      ++left_out_;
  }
}

sim::LaneChart LeadershipSampler::chart(std::string title, sim::Instant end) const {
  sim::LaneChart chart;
  chart.title = std::move(title);
  chart.lanes = members_;
  chart.bars = bars_;
  chart.marks = marks_;
  chart.left_out = left_out_;
  for (std::size_t i = 0; i < members_.size(); ++i) {
    if (!leading_[i]) continue;
    const Leading& l = *leading_[i];
    chart.bars.push_back(sim::LaneBar{members_[i], l.from, end, fmt::format("term {}", l.term),
                                      fmt::format("{} was seen leading term {} from {} to the end of the run",
                                                  members_[i], l.term, sim::to_string(l.from))});
  }
  return chart;
}

}  // namespace raft
