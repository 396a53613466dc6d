#include "models/queue/messages.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace queue {

const char* to_string(Error error) {
  switch (error) {
    case Error::none: return "none";
    case Error::not_leader_or_follower: return "NOT_LEADER_OR_FOLLOWER";
    case Error::fenced_leader_epoch: return "FENCED_LEADER_EPOCH";
    case Error::not_enough_replicas: return "NOT_ENOUGH_REPLICAS";
    case Error::not_enough_replicas_after_append: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
    case Error::request_timed_out: return "REQUEST_TIMED_OUT";
    case Error::offset_out_of_range: return "OFFSET_OUT_OF_RANGE";
    case Error::out_of_order_sequence_number: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
    case Error::unknown_member_id: return "UNKNOWN_MEMBER_ID";
    case Error::illegal_generation: return "ILLEGAL_GENERATION";
    case Error::rebalance_in_progress: return "REBALANCE_IN_PROGRESS";
    case Error::invalid_producer_epoch: return "INVALID_PRODUCER_EPOCH";
    case Error::producer_fenced: return "PRODUCER_FENCED";
    case Error::invalid_txn_state: return "INVALID_TXN_STATE";
    case Error::concurrent_transactions: return "CONCURRENT_TRANSACTIONS";
    case Error::invalid_producer_id_mapping: return "INVALID_PRODUCER_ID_MAPPING";
    case Error::not_coordinator: return "NOT_COORDINATOR";
  }
  return "?";
}

std::string ProduceRequest::describe() const {
  return fmt::format("Produce p{} producer {} seq {}+{}", partition, batch.producer, batch.first_seq, batch.count);
}

std::string InitProducerIdRequest::describe() const {
  return transactional_id.empty() ? "InitProducerId" : fmt::format("InitProducerId {}", transactional_id);
}

std::string InitProducerIdReply::describe() const {
  if (error != Error::none) return fmt::format("InitProducerIdReply {}", to_string(error));
  return fmt::format("InitProducerIdReply id {} epoch {}", producer_id, producer_epoch);
}

std::string AddPartitionsToTxnRequest::describe() const {
  return fmt::format("AddPartitionsToTxn{} producer {} epoch {} partitions {}", verify_only ? " (verify)" : "",
                     producer_id, producer_epoch, fmt::join(partitions, ","));
}

std::string EndTxnRequest::describe() const {
  return fmt::format("EndTxn {} producer {} epoch {} (txn {})", commit ? "commit" : "abort", producer_id,
                     producer_epoch, txn);
}

std::string TxnReply::describe() const { return fmt::format("TxnReply {} epoch {}", to_string(error), producer_epoch); }

std::string WriteTxnMarkersRequest::describe() const {
  return fmt::format("WriteTxnMarkers p{} producer {} epoch {} {}", partition, producer_id, producer_epoch,
                     commit ? "commit" : "abort");
}

std::string JoinGroupRequest::describe() const {
  if (owned.empty()) return fmt::format("JoinGroup member {}", member);
  return fmt::format("JoinGroup member {} owning {} of generation {}", member, fmt::join(owned, ","), generation);
}

std::string JoinGroupReply::describe() const {
  return fmt::format("JoinGroupReply {} generation {} partitions {}", to_string(error), generation,
                     fmt::join(assigned, ","));
}

std::string GroupHeartbeat::describe() const {
  return fmt::format("Heartbeat member {} generation {}", member, generation);
}

std::string LeaveGroupRequest::describe() const { return fmt::format("LeaveGroup member {}", member); }

std::string TxnOffsetCommitRequest::describe() const {
  std::string out =
      fmt::format("TxnOffsetCommit member {} generation {}, {} writes", member, generation, writes.size());
  for (const auto& [p, offset] : offsets) out += fmt::format(" p{}@{}", p, offset);
  return out;
}

std::string OffsetCommitRequest::describe() const {
  std::string out = fmt::format("OffsetCommit member {} generation {}", member, generation);
  for (const auto& [p, offset] : offsets) out += fmt::format(" p{}@{}", p, offset);
  return out;
}

std::string GroupReply::describe() const { return fmt::format("GroupReply {}", to_string(error)); }

std::string ProduceReply::describe() const { return fmt::format("ProduceReply {} base {}", to_string(error), base); }

std::string FetchRequest::describe() const {
  std::string out = replica == no_leader ? "Fetch (consumer)" : fmt::format("Fetch (replica {})", replica);
  for (const FetchPartition& p : partitions) out += fmt::format(" p{}@{}", p.partition, p.offset);
  return out;
}

std::string FetchReply::describe() const {
  std::string out = "FetchReply";
  for (const FetchedPartition& p : partitions)
    out += fmt::format(" p{} {} hw {} batches {}", p.partition, to_string(p.error), p.high_watermark, p.batches.size());
  return out;
}

std::string ListOffsetsRequest::describe() const {
  return fmt::format("ListOffsets p{} at {}", partition, sim::to_string(timestamp));
}

std::string ListOffsetsReply::describe() const {
  return fmt::format("ListOffsetsReply {} offset {}", to_string(error), offset);
}

std::string MetadataReply::describe() const {
  return image ? fmt::format("MetadataReply v{}", image->version) : "MetadataReply none";
}

std::string BrokerHeartbeat::describe() const {
  return fmt::format("BrokerHeartbeat broker {} v{}", broker, known_version);
}

std::string ControllerReply::describe() const {
  return fmt::format("ControllerReply leader {} accepted {} image {}", leader, accepted,
                     image ? std::to_string(image->version) : "-");
}

std::string AlterPartition::describe() const {
  return fmt::format("AlterPartition p{} epoch {} isr [{}]", partition, leader_epoch, fmt::join(isr, ","));
}

std::string MetadataPush::describe() const { return fmt::format("MetadataPush v{}", image->version); }

}  // namespace queue
