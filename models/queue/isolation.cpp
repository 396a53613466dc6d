#include "models/queue/isolation.hpp"

#include <algorithm>

#include "models/queue/recorder.hpp"

namespace queue {
namespace {

bool aborted(const std::vector<AbortedTxn>& list, const Batch& piece) {
  return std::any_of(list.begin(), list.end(), [&](const AbortedTxn& a) {
    return a.producer_id == piece.producer_id && a.first <= piece.base && piece.base < a.marker;
  });
}

}  // namespace

std::vector<Batch> take_visible(const FetchedPartition& got, Offset& position, bool read_committed,
                                Recorder& recorder) {
  std::vector<Batch> out;
  for (const Batch& piece : got.batches) {
    if (piece.base != position) continue;
    position = piece.end();
    bool hide =
        piece.control != Control::none || (read_committed && piece.transactional && aborted(got.aborted, piece));
    if (hide) recorder.hidden(got.partition, piece.base, piece.end());
    else out.push_back(piece);
  }
  return out;
}

}  // namespace queue
