// What a consumer hands the application of one fetched partition (Kafka's CompletedFetch): the
// data records from its position on, in order. Markers are passed over (they take an offset and
// are never returned); with read_committed so are the records of the aborted transactions the
// leader listed, as the consumer's aborted-transaction filter drops them. What it passes over
// is recorded as hidden, so the order check knows the gap is no skip.
#pragma once

#include <vector>

#include "models/queue/messages.hpp"

namespace queue {

class Recorder;

std::vector<Batch> take_visible(const FetchedPartition& got, Offset& position, bool read_committed, Recorder& recorder);

}  // namespace queue
