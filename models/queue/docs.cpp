// What each of the queue model's parameters and checks means (models/model.hpp, ModelDocs).
#include "models/queue/queue.hpp"

const sim::ModelDocs& queue_docs() {
  static const sim::ModelDocs docs{
      "acks",
      {},
      {
          {"brokers", "brokers, broker-1 .. broker-N"},
          {"controllers", "members of the KRaft controller quorum (a Raft group), controller-1 .. controller-N"},
          {"partitions", "partitions of the one topic, placed as Kafka places replicas (preferred leader of p is "
                         "broker p mod N)"},
          {"replication_factor", "replicas per partition"},
          {"acks", "when the leader answers a produce: 0 never, 1 once it appended, all once every in-sync replica "
                   "has it"},
          {"min_insync_replicas", "with acks=all, refuse writes (NOT_ENOUGH_REPLICAS) while the ISR is smaller"},
          {"unclean_leader_election", "elect an out-of-sync replica when no in-sync one is left (true before 0.11)"},
          {"truncation", "how a follower finds where its log diverged: leader_epoch (KIP-101, 0.11+) or "
                         "high_watermark (truncate to it, before 0.11)"},
          {"replica_lag_time_max", "a follower not caught up for this long leaves the ISR (30 s since 2.5)"},
          {"replica_fetch_wait_max", "a leader holds a follower's fetch that finds nothing for up to this"},
          {"replica_fetch_backoff", "a follower waits this long after a failed fetch"},
          {"broker_heartbeat_interval", "brokers heartbeat to the controller this often"},
          {"broker_session_timeout", "the controller fences a broker whose last heartbeat is older than this"},
          {"flush_messages", "fsync a replica's log once this many messages are unflushed (absent: never, the "
                             "kernel writes back)"},
          {"dirty_expire", "the kernel writes back pages dirty for longer than this (dirty_expire_centisecs)"},
          {"dirty_writeback", "the kernel's flusher wakes this often (dirty_writeback_centisecs)"},
          {"rate", "messages the producer sends, over all partitions (the k-th to partition k mod n)"},
          {"message_bytes", "bytes per message"},
          {"batch_size", "bytes per batch at most (batch.size)"},
          {"linger", "the producer closes and sends batches this often (linger.ms)"},
          {"max_in_flight", "unanswered produce requests per broker (max.in.flight.requests.per.connection)"},
          {"request_timeout", "a produce or fetch without an answer for this long fails (request.timeout.ms)"},
          {"delivery_timeout", "a batch not acknowledged this long after it closed is given up"},
          {"retry_backoff", "a failed batch waits this long before it is sent again"},
          {"metadata_max_age", "clients refresh their metadata at least this often"},
          {"drain", "the producer stops this long before the run ends, so the consumer catches up"},
          {"fetch_max_wait", "a leader holds a consumer's fetch that finds nothing for up to this"},
          {"availability_bound", "availability fails when a partition acknowledges nothing for longer than this"},
      },
      {
          {"lost_acked_write", "no acknowledged message is missing from its partition's final log while the log "
                               "goes on past its offset (Jepsen's lost-write)",
           "messages lost, the window of their acknowledgements, and how many a consumer had polled before"},
          {"unseen", "every acknowledged message is polled by the end (the final read of each log included)",
           "acknowledged messages never polled"},
          {"duplicate", "no message appears at two offsets", "messages found at more than one offset"},
          {"inconsistent_offsets", "an offset holds the same message whenever it is read",
           "offsets read with different messages"},
          {"per_partition_order", "one producer's acknowledged batches sit in a partition in send order, and the "
                                  "consumer polls each partition without going back or skipping",
           "nonmonotonic_send, nonmonotonic_poll and poll_skip counts"},
          {"availability", "no partition goes longer than availability_bound without acknowledging a write",
           "the longest gap, and unavailable_s (gaps over 1 s) per partition"},
      },
  };
  return docs;
}
