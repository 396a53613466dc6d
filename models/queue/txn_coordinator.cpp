#include "models/queue/txn_coordinator.hpp"

#include <boost/asio/redirect_error.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "sim/kernel/assert.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {
namespace {

// transaction.abort.timed.out.transaction.cleanup.interval.ms
constexpr sim::Duration timeout_check = sim::Duration::seconds(10);

}  // namespace

const char* to_string(TxnState state) {
  switch (state) {
    case TxnState::empty: return "Empty";
    case TxnState::ongoing: return "Ongoing";
    case TxnState::prepare_commit: return "PrepareCommit";
    case TxnState::prepare_abort: return "PrepareAbort";
    case TxnState::complete_commit: return "CompleteCommit";
    case TxnState::complete_abort: return "CompleteAbort";
  }
  return "?";
}

TxnCoordinator::TxnCoordinator(Context& context, sim::NodeId self, LeaderOf leader_of)
    : context_(context), self_(self), leader_of_(std::move(leader_of)) {}

std::map<std::string, TxnMetadata>& TxnCoordinator::txns() {
  return context_.disks[static_cast<std::size_t>(Context::txn_coordinator)].transactions;
}

void TxnCoordinator::trace(std::string_view kind, const std::string& detail) {
  context_.world.trace().record(now(), self_, kind, detail);
}

void TxnCoordinator::start() {
  for (auto& [id, m] : txns())
    for (int p : m.markers_pending)
      sim::spawn(context_.world.executor(self_),
                 run_marker(id, p, m.producer_id, m.producer_epoch, m.state == TxnState::prepare_commit));
  sim::spawn(context_.world.executor(self_), run_timeouts());
}

bool TxnCoordinator::receive(const sim::MessageBody* body, sim::Responder& responder) {
  if (const auto* init = dynamic_cast<const InitProducerIdRequest*>(body); init && !init->transactional_id.empty()) {
    on_init(*init, std::move(responder));
  } else if (const auto* add = dynamic_cast<const AddPartitionsToTxnRequest*>(body)) {
    on_add(*add, std::move(responder));
  } else if (const auto* end = dynamic_cast<const EndTxnRequest*>(body)) {
    on_end(*end, std::move(responder));
  } else {
    return false;
  }
  return true;
}

// A new id gets a producer id; a known one a bumped epoch, once its open transaction is aborted
// (an ongoing one is aborted here, with the epoch bumped first to fence the old instance).
void TxnCoordinator::on_init(const InitProducerIdRequest& request, sim::Responder responder) {
  auto [it, fresh] = txns().try_emplace(request.transactional_id);
  TxnMetadata& m = it->second;
  if (fresh) {
    std::int64_t& given = context_.disks[static_cast<std::size_t>(Context::txn_coordinator)].producer_ids_given;
    m.producer_id = static_cast<std::int64_t>(Context::txn_coordinator + 1) * 1'000'000 + given++;
    m.producer_epoch = -1;
  }
  if (m.state == TxnState::ongoing) {
    ++m.producer_epoch;
    prepare(request.transactional_id, false, "InitProducerId fences the open transaction");
  }
  if (m.preparing()) {
    waiting_init_[request.transactional_id].push_back(std::move(responder));
    return;
  }
  reply_init(request.transactional_id, std::move(responder));
}

void TxnCoordinator::reply_init(const std::string& id, sim::Responder responder) {
  TxnMetadata& m = txns()[id];
  ++m.producer_epoch;
  m.state = TxnState::empty;
  m.partitions.clear();
  trace("queue.txn_init", fmt::format("{}: producer {} epoch {}", id, m.producer_id, m.producer_epoch));
  auto reply = std::make_shared<InitProducerIdReply>();
  reply->producer_id = m.producer_id;
  reply->producer_epoch = m.producer_epoch;
  responder.reply(std::move(reply));
}

void TxnCoordinator::on_add(const AddPartitionsToTxnRequest& request, sim::Responder responder) {
  auto reply = std::make_shared<TxnReply>();
  auto it = txns().find(request.transactional_id);
  if (it == txns().end() || it->second.producer_id != request.producer_id) {
    reply->error = Error::invalid_producer_id_mapping;
  } else if (request.producer_epoch != it->second.producer_epoch) {
    reply->error = Error::producer_fenced;
  } else if (request.verify_only) {
    bool added = it->second.state == TxnState::ongoing;
    for (int p : request.partitions) added = added && it->second.partitions.count(p) > 0;
    if (!added) reply->error = Error::invalid_txn_state;
  } else if (it->second.preparing()) {
    reply->error = Error::concurrent_transactions;
  } else {
    TxnMetadata& m = it->second;
    if (m.state != TxnState::ongoing) {
      m.state = TxnState::ongoing;
      m.started = now();
      m.partitions.clear();
    }
    m.partitions.insert(request.partitions.begin(), request.partitions.end());
  }
  reply->producer_epoch = it == txns().end() ? std::int16_t{0} : it->second.producer_epoch;
  if (reply->error != Error::none)
    trace("queue.txn_refused", fmt::format("{}: {}", request.describe(), to_string(reply->error)));
  responder.reply(std::move(reply));
}

void TxnCoordinator::on_end(const EndTxnRequest& request, sim::Responder responder) {
  auto reply = std::make_shared<TxnReply>();
  auto it = txns().find(request.transactional_id);
  if (it == txns().end() || it->second.producer_id != request.producer_id) {
    reply->error = Error::invalid_producer_id_mapping;
  } else {
    reply->error = context_.options.transactions.protocol == TxnProtocol::kip890 ? end_kip890(it->second, request)
                                                                                 : end_classic(it->second, request);
    reply->producer_epoch = it->second.producer_epoch;
  }
  if (reply->error != Error::none)
    trace("queue.txn_refused", fmt::format("{}: {}", request.describe(), to_string(reply->error)));
  responder.reply(std::move(reply));
}

// KIP-98 as before Kafka 4.0: the epoch must be the current one, and nothing else tells this
// transaction from the previous one; a retry of a completed EndTxn is answered as done.
Error TxnCoordinator::end_classic(TxnMetadata& m, const EndTxnRequest& request) {
  if (request.producer_epoch != m.producer_epoch) return Error::producer_fenced;
  if (m.state == TxnState::ongoing) {
    prepare(request.transactional_id, request.commit, request.describe());
    return Error::none;
  }
  if ((m.preparing() || m.completed()) && m.commit() == request.commit)
    return m.preparing() ? Error::concurrent_transactions : Error::none;
  return Error::invalid_txn_state;
}

// KIP-890 part 2: EndTxn bumps the epoch. A request with the previous epoch is a retry of an
// EndTxn already taken, answered as done when it asked for the same outcome; anything older
// is a zombie's, fenced.
Error TxnCoordinator::end_kip890(TxnMetadata& m, const EndTxnRequest& request) {
  if (request.producer_epoch == m.producer_epoch) {
    if (m.state != TxnState::ongoing) return m.preparing() ? Error::concurrent_transactions : Error::invalid_txn_state;
    ++m.producer_epoch;
    prepare(request.transactional_id, request.commit, request.describe());
    return Error::none;
  }
  if (request.producer_epoch + 1 == m.producer_epoch && (m.preparing() || m.completed()) &&
      m.commit() == request.commit)
    return Error::none;
  return Error::producer_fenced;
}

void TxnCoordinator::prepare(const std::string& id, bool commit, const std::string& why) {
  TxnMetadata& m = txns()[id];
  SIM_ASSERT(m.state == TxnState::ongoing, "only an ongoing transaction is prepared");
  m.state = commit ? TxnState::prepare_commit : TxnState::prepare_abort;
  m.markers_pending = m.partitions;
  trace("queue.txn_prepare", fmt::format("{}: {} epoch {} partitions {} ({})", id, to_string(m.state),
                                         m.producer_epoch, fmt::join(m.partitions, ","), why));
  for (int p : m.partitions)
    sim::spawn(context_.world.executor(self_), run_marker(id, p, m.producer_id, m.producer_epoch, commit));
  if (m.markers_pending.empty()) marker_written(id, -1);
}

// WriteTxnMarkers to the partition's leader, again after a backoff until it is written.
sim::Task<void> TxnCoordinator::run_marker(std::string id, int partition, std::int64_t producer_id,
                                           std::int16_t epoch, bool commit) {
  sim::Executor ex = context_.world.executor(self_);
  const QueueOptions& o = context_.options;
  for (;;) {
    int leader = leader_of_(partition);
    if (leader != no_leader) {
      auto request = std::make_shared<WriteTxnMarkersRequest>();
      request->partition = partition;
      request->producer_id = producer_id;
      request->producer_epoch = epoch;
      request->commit = commit;
      sim::error_code ec;
      sim::MessagePtr answer = co_await context_.world.rpc().call(
          ex, context_.brokers[static_cast<std::size_t>(leader)], request, o.request_timeout,
          boost::asio::redirect_error(sim::use_awaitable, ec));
      const auto* reply = ec ? nullptr : dynamic_cast<const ProduceReply*>(answer.get());
      if (reply && reply->error == Error::none) {
        marker_written(id, partition);
        co_return;
      }
    }
    co_await sim::sleep(o.retry_backoff);
  }
}

void TxnCoordinator::marker_written(const std::string& id, int partition) {
  TxnMetadata& m = txns()[id];
  m.markers_pending.erase(partition);
  if (!m.preparing() || !m.markers_pending.empty()) return;
  m.state = m.state == TxnState::prepare_commit ? TxnState::complete_commit : TxnState::complete_abort;
  trace("queue.txn_complete", fmt::format("{}: {} epoch {}", id, to_string(m.state), m.producer_epoch));
  auto held = waiting_init_.find(id);
  if (held == waiting_init_.end()) return;
  std::vector<sim::Responder> responders = std::move(held->second);
  waiting_init_.erase(held);
  for (sim::Responder& r : responders) reply_init(id, std::move(r));
}

// TransactionCoordinator.abortTimedOutTransactions: the epoch is bumped (fencing the producer)
// and the transaction aborted.
sim::Task<void> TxnCoordinator::run_timeouts() {
  for (;;) {
    co_await sim::sleep(timeout_check);
    for (auto& [id, m] : txns()) {
      if (m.state != TxnState::ongoing || now() - m.started <= context_.options.transactions.timeout) continue;
      ++m.producer_epoch;
      prepare(id, false, fmt::format("open longer than transaction.timeout.ms {}",
                                     sim::to_string(context_.options.transactions.timeout)));
    }
  }
}

}  // namespace queue
