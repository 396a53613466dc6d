#include "models/queue/recorder.hpp"

namespace queue {

const char* to_string(TxnOutcome outcome) {
  switch (outcome) {
    case TxnOutcome::open: return "open";
    case TxnOutcome::committed: return "committed";
    case TxnOutcome::aborted: return "aborted";
    case TxnOutcome::unknown: return "unknown";
  }
  return "?";
}

void Recorder::hidden(int partition, Offset from, Offset to) {
  if (o_.hidden.size() <= static_cast<std::size_t>(partition))
    o_.hidden.resize(static_cast<std::size_t>(partition) + 1);
  std::vector<std::pair<Offset, Offset>>& spans = o_.hidden[static_cast<std::size_t>(partition)];
  if (!spans.empty() && spans.back().second == from) spans.back().second = to;
  else spans.emplace_back(from, to);
}

void Recorder::polled(int partition, const Batch& piece, int member, int generation, int seeks) {
  o_.polls.push_back(Poll{partition, piece, world_.now(), member, generation, seeks});
  // End to end: from the batch's closing at the producer to the poll, for each of its messages;
  // a replay after a seek is not a delivery.
  if (seeks > 0) return;
  world_.metrics().histogram("end_to_end").record((world_.now() - piece.created).ns(),
                                                  static_cast<std::uint64_t>(piece.count));
}

void Recorder::released(int partition, int member) {
  auto p = static_cast<std::size_t>(partition);
  if (holder_[p] != member) return;
  holder_[p] = -1;
  released_at_[p] = world_.now();
}

void Recorder::member_removed(int member) {
  for (std::size_t p = 0; p < holder_.size(); ++p) released(static_cast<int>(p), member);
}

void Recorder::taken(int partition, int member) {
  auto p = static_cast<std::size_t>(partition);
  if (holder_[p] == -1 && released_at_[p]) {
    sim::Duration paused = world_.now() - *released_at_[p];
    world_.metrics().histogram("partition_pause").record(paused.ns());
    ++o_.partition_pauses;
    o_.partition_paused += paused;
  }
  holder_[p] = member;
  released_at_[p].reset();
}

}  // namespace queue
