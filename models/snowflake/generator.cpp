#include "models/snowflake/generator.hpp"

#include <string>

#include "models/snowflake/id_layout.hpp"
#include "sim/kernel/assert.hpp"

namespace snowflake {

const char* to_string(OnBackwards mode) {
  switch (mode) {
    case OnBackwards::raise: return "raise";
    case OnBackwards::wait: return "wait";
    case OnBackwards::logical: return "logical";
  }
  return "?";
}

Generator::Generator(std::int64_t node_id, std::int64_t epoch_ms, OnBackwards on_backwards)
    : node_id_(node_id), epoch_ms_(epoch_ms), on_backwards_(on_backwards) {
  SIM_ASSERT(node_id >= 0 && node_id <= max_node_id, "node id out of range: " + std::to_string(node_id));
}

void Generator::resume_after(std::int64_t mark_ms) {
  last_timestamp_ = mark_ms;
  sequence_ = max_sequence;
  awaiting_next_millisecond_ = false;
}

Attempt Generator::generate(std::int64_t wall_ms) {
  if (awaiting_next_millisecond_) return resume_next_millisecond(wall_ms);
  std::int64_t timestamp = wall_ms;
  bool logical = false;
  if (timestamp < last_timestamp_) {
    std::int64_t behind = last_timestamp_ - timestamp;
    switch (on_backwards_) {
      case OnBackwards::raise:
        return Attempt{.kind = Attempt::Kind::failed, .behind_ms = behind};
      case OnBackwards::wait:
        return wait_for(last_timestamp_, WaitReason::clock_behind, behind);
      case OnBackwards::logical:
        timestamp = last_timestamp_;
        logical = true;
        break;
    }
  }
  if (timestamp != last_timestamp_) return issue(timestamp, 0, false);
  sequence_ = (sequence_ + 1) & max_sequence;
  if (sequence_ != 0) return issue(timestamp, sequence_, logical);
  // The millisecond is used up. A logical one moves on at once; a real one is waited out.
  if (logical) return issue(last_timestamp_ + 1, 0, true);
  awaiting_next_millisecond_ = true;
  return wait_for(last_timestamp_ + 1, WaitReason::next_millisecond, 0);
}

Attempt Generator::resume_next_millisecond(std::int64_t wall_ms) {
  if (wall_ms > last_timestamp_) {
    awaiting_next_millisecond_ = false;
    return issue(wall_ms, 0, false);
  }
  if (on_backwards_ == OnBackwards::logical && wall_ms < last_timestamp_) {
    // The clock stepped back during the wait: a logical clock does not wait for it.
    awaiting_next_millisecond_ = false;
    return issue(last_timestamp_ + 1, 0, true);
  }
  return wait_for(last_timestamp_ + 1, WaitReason::next_millisecond, 0);
}

Attempt Generator::issue(std::int64_t timestamp_ms, std::int64_t sequence, bool logical) {
  last_timestamp_ = timestamp_ms;
  sequence_ = sequence;
  IdFields fields{timestamp_ms, node_id_, sequence};
  SIM_ASSERT(fits(fields, epoch_ms_), "timestamp outside the 41-bit range of the epoch");
  return Attempt{.kind = Attempt::Kind::issued,
                 .id = compose_id(fields, epoch_ms_),
                 .timestamp_ms = timestamp_ms,
                 .sequence = sequence,
                 .logical = logical};
}

Attempt Generator::wait_for(std::int64_t wake_wall_ms, WaitReason reason, std::int64_t behind_ms) {
  return Attempt{.kind = Attempt::Kind::wait, .behind_ms = behind_ms, .wake_wall_ms = wake_wall_ms, .reason = reason};
}

}  // namespace snowflake
