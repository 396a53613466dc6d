// The transaction coordinator's record of one transactional id, as Kafka's __transaction_state
// keeps it (TransactionMetadata): the producer id and epoch, the state, the partitions added to
// the ongoing transaction, when it began, and the markers still to write.
#pragma once

#include <cstdint>
#include <set>

#include "sim/kernel/time.hpp"

namespace queue {

/// Kafka's TransactionState: Empty, Ongoing, PrepareCommit, PrepareAbort, CompleteCommit,
/// CompleteAbort (PrepareEpochFence is folded into PrepareAbort).
enum class TxnState { empty, ongoing, prepare_commit, prepare_abort, complete_commit, complete_abort };
const char* to_string(TxnState state);

struct TxnMetadata {
  std::int64_t producer_id = -1;
  std::int16_t producer_epoch = 0;
  TxnState state = TxnState::empty;
  std::set<int> partitions;       ///< added to the ongoing (or ending) transaction
  sim::Instant started;           ///< when the ongoing transaction took its first partition
  std::set<int> markers_pending;  ///< partitions whose marker is not yet written
  bool commit() const { return state == TxnState::prepare_commit || state == TxnState::complete_commit; }
  bool preparing() const { return state == TxnState::prepare_commit || state == TxnState::prepare_abort; }
  bool completed() const { return state == TxnState::complete_commit || state == TxnState::complete_abort; }
};

}  // namespace queue
