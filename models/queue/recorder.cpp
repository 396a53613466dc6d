#include "models/queue/recorder.hpp"

namespace queue {

void Recorder::polled(int partition, const Batch& piece, int member, int generation, int seeks) {
  o_.polls.push_back(Poll{partition, piece, world_.now(), member, generation, seeks});
  // End to end: from the batch's closing at the producer to the poll, for each of its messages;
  // a replay after a seek is not a delivery.
  if (seeks > 0) return;
  world_.metrics().histogram("end_to_end").record((world_.now() - piece.created).ns(),
                                                  static_cast<std::uint64_t>(piece.count));
}

}  // namespace queue
