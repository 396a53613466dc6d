// What each of the queue model's parameters and checks means (models/model.hpp, ModelDocs).
#include "models/queue/queue.hpp"

namespace {

std::vector<sim::OptionDoc> cluster_and_producer_options() {
  return {
      {"brokers", "brokers, broker-1 .. broker-N"},
      {"controllers", "members of the KRaft controller quorum (a Raft group), controller-1 .. controller-N"},
      {"partitions",
       "partitions of the one topic, placed as Kafka places replicas (preferred leader of p is "
       "broker p mod N)"},
      {"replication_factor", "replicas per partition"},
      {"acks",
       "when the leader answers a produce: 0 never, 1 once it appended, all once every in-sync replica "
       "has it"},
      {"min_insync_replicas", "with acks=all, refuse writes (NOT_ENOUGH_REPLICAS) while the ISR is smaller"},
      {"unclean_leader_election", "elect an out-of-sync replica when no in-sync one is left (true before 0.11)"},
      {"truncation",
       "how a follower finds where its log diverged: leader_epoch (KIP-101, 0.11+) or "
       "high_watermark (truncate to it, before 0.11)"},
      {"replica_lag_time_max", "a follower not caught up for this long leaves the ISR (30 s since 2.5)"},
      {"replica_fetch_wait_max", "a leader holds a follower's fetch that finds nothing for up to this"},
      {"replica_fetch_backoff", "a follower waits this long after a failed fetch"},
      {"broker_heartbeat_interval", "brokers heartbeat to the controller this often"},
      {"broker_session_timeout", "the controller fences a broker whose last heartbeat is older than this"},
      {"flush_messages",
       "fsync a replica's log once this many messages are unflushed (absent: never, the "
       "kernel writes back)"},
      {"dirty_expire", "the kernel writes back pages dirty for longer than this (dirty_expire_centisecs)"},
      {"dirty_writeback", "the kernel's flusher wakes this often (dirty_writeback_centisecs)"},
      {"log_segment_bytes",
       "a replica rolls a new active segment when a batch would take the current one past "
       "this (log.segment.bytes, 1 GiB; a message is message_bytes)"},
      {"log_retention",
       "retention deletes a closed segment whose newest record is older than this "
       "(log.retention.ms, 7 days), once it lies below the high watermark"},
      {"log_retention_bytes",
       "retention deletes the oldest segments while the log stays at least this big "
       "without them (log.retention.bytes; absent: no limit)"},
      {"log_retention_check_interval",
       "each broker applies retention this often "
       "(log.retention.check.interval.ms, 5 min)"},
      {"rate", "messages the producer sends a second, over all partitions"},
      {"message_bytes", "bytes per message"},
      {"batch_size", "bytes per batch at most (batch.size)"},
      {"linger", "the producer closes and sends batches this often (linger.ms)"},
      {"keys",
       "message g carries key key-<g mod keys> and goes to the partition Kafka's murmur2 partitioner "
       "picks; 0: records without keys"},
      {"null_key_partitioner",
       "records without keys: round_robin (the k-th to partition k mod n) or sticky "
       "(batch_size bytes to one partition, then another at random; KIP-794)"},
      {"enable_idempotence",
       "producer id and sequence numbers: the leader drops a retried copy and refuses a "
       "gap, and retries keep send order (Kafka's default since 3.0; needs acks=all and "
       "max_in_flight <= 5)"},
      {"max_in_flight", "unanswered produce requests per broker (max.in.flight.requests.per.connection)"},
      {"request_timeout", "a produce or fetch without an answer for this long fails (request.timeout.ms)"},
      {"delivery_timeout", "a batch not acknowledged this long after it closed is given up"},
      {"retry_backoff", "a failed batch waits this long before it is sent again"},
      {"metadata_max_age", "clients refresh their metadata at least this often"},
      {"drain", "the producer stops this long before the run ends, so the consumer catches up"},
  };
}

std::vector<sim::OptionDoc> transaction_options() {
  return {
      {"transactional_id",
       "the producer writes in transactions under this id (transactional.id; needs "
       "enable_idempotence), with broker-1 as transaction coordinator; absent: no transactions"},
      {"transaction_messages", "messages in each transaction; messages that arrive meanwhile wait for the next"},
      {"transaction_abort_share",
       "the share of transactions the producer aborts instead of committing, spread evenly "
       "(1/3 aborts the 3rd, 6th, ...)"},
      {"transaction_timeout",
       "the coordinator aborts, with a bumped epoch, a transaction open longer than this "
       "(transaction.timeout.ms, 60 s; checked every 10 s)"},
      {"txn_protocol",
       "classic (KIP-98 before Kafka 3.6: the epoch stays the same from one transaction to the next, "
       "and a timed-out EndTxn is sent again), kip890_part1 (Kafka 3.6 to 3.9: classic, and a leader "
       "verifies with the coordinator that a partition is in the ongoing transaction before it takes "
       "the transaction's first write there) or kip890 (Kafka 4.0: that, every EndTxn bumps the epoch, "
       "and a producer whose EndTxn timed out re-initialises)"},
      {"isolation_level",
       "consumers' isolation.level: read_uncommitted (to the high watermark) or read_committed "
       "(below the last stable offset, without the records of aborted transactions)"},
  };
}

std::vector<sim::OptionDoc> consumer_options() {
  return {
      {"fetch_max_wait", "a leader holds a consumer's fetch that finds nothing for up to this"},
      {"availability_bound", "availability fails when a partition acknowledges nothing for longer than this"},
      {"group_members",
       "consumers consumer-1 .. consumer-N in one group with broker-1 as coordinator (0: one "
       "consumer outside any group that reads every partition and commits nothing)"},
      {"session_timeout",
       "the coordinator removes a member whose last heartbeat is older (45 s since 3.0, 10 s "
       "before)"},
      {"heartbeat_interval", "members heartbeat this often (heartbeat.interval.ms)"},
      {"max_poll_interval",
       "a member that does not poll for this long leaves the group; also how long a "
       "rebalance waits for members to rejoin"},
      {"max_poll_records", "records one poll returns at most"},
      {"processing_time", "how long a member spends on each record it polled"},
      {"commit",
       "auto (every auto_commit_interval, inside poll: what earlier polls returned), "
       "after_processing, or before_processing (as a consumer that hands records to a pool)"},
      {"auto_commit_interval", "auto.commit.interval.ms"},
      {"rebalance_protocol",
       "eager (the range assignor: every member gives up all its partitions when it rejoins) or "
       "cooperative (the cooperative-sticky assignor, KIP-429: members keep consuming what they own, "
       "give up only the partitions that move, and the next rebalance hands those over)"},
      {"sink",
       "where processing takes effect: plain, keyed by (partition, offset) so a record processed "
       "twice has one effect, or transactional: each poll's output committed with its offsets in one "
       "transaction (sendOffsetsToTransaction), refused for a member the group moved on from; needs "
       "commit: after_processing"},
      {"lag_bound", "consumer_lag fails when a committed offset ends the run further behind its log"},
      {"auto_offset_reset",
       "where a consumer goes with nothing committed or an offset below the log start: "
       "earliest (the log start; the default here, Kafka's is latest), latest (the high "
       "watermark) or none (an error: the consumer stops)"},
      {"seek",
       "seek: {at, to_time | to_offset}: at `at` every group member seeks each partition it holds to "
       "the first offset whose timestamp is at or after to_time (offsetsForTimes), or to to_offset, "
       "and replays"},
      {"seek.at", "when the members seek"},
      {"seek.to_time", "the timestamp to replay from, since the run's start"},
      {"seek.to_offset", "the offset to replay from, in every partition"},
  };
}

std::vector<sim::CheckDoc> check_docs() {
  return {
      {"lost_acked_write",
       "no acknowledged message is missing from its partition's final log while the log "
       "goes on past its offset (Jepsen's lost-write); a transaction's messages count once its producer "
       "saw it committed, and must be there committed",
       "messages lost, the window of their acknowledgements, and how many a consumer had polled before"},
      {"unseen", "every acknowledged message is polled by the end (the final read of each log included)",
       "acknowledged messages never polled"},
      {"retention_skipped", "every offset retention deleted had been polled first",
       "messages deleted before any poll returned them, with their offsets by partition"},
      {"duplicate", "no message appears at two offsets", "messages found at more than one offset"},
      {"inconsistent_offsets", "an offset holds the same message whenever it is read",
       "offsets read with different messages"},
      {"per_partition_order",
       "one producer's acknowledged batches sit in a partition in send order, and the "
       "consumer polls each partition without going back or skipping",
       "nonmonotonic_send, nonmonotonic_poll and poll_skip counts"},
      {"per_key_order", "with keys, each key's messages sit in its partition's final log in send order",
       "messages behind a later message of their key, and how many keys"},
      {"duplicate_processing", "with a group, no record takes effect at the sink more than once",
       "records with more than one effect, by partition"},
      {"lost_consumption", "with a group, every record below the final committed offset was processed",
       "records committed past but never processed"},
      {"zombie_processing", "with a group, no member processes a partition after a newer generation moved it",
       "records processed by members that had lost their partitions"},
      {"committed_offset_regression", "with a group, a committed offset never moves back",
       "commits that moved an offset back"},
      {"consumer_lag", "with a group, the committed offsets end the run within lag_bound of the logs",
       "lag per partition at the end, and the largest sampled during the run (where and when)"},
      {"consumer_stopped",
       "no consumer stops on an offset it cannot use (auto_offset_reset: none with "
       "nothing committed, or with an offset retention deleted)",
       "the consumers that stopped, their partitions and offsets"},
      {"availability", "no partition goes longer than availability_bound without acknowledging a write",
       "the longest gap, and unavailable_s (gaps over 1 s) per partition"},
      {"aborted_read",
       "with transactions and read_committed consumers, no consumer polls a record of a transaction its "
       "producer aborted or that the final logs hold under an abort marker (Jepsen's G1a)",
       "such records, the transactions they belong to, and when they were polled"},
      {"torn_txn",
       "with transactions, every transaction with a committed record in the final logs has all its records "
       "committed there",
       "torn transactions, their records not committed, and when they began and ended"},
  };
}

}  // namespace

const sim::ModelDocs& queue_docs() {
  static const sim::ModelDocs docs = [] {
    std::vector<sim::OptionDoc> options = cluster_and_producer_options();
    std::vector<sim::OptionDoc> more = consumer_options();
    options.insert(options.end(), more.begin(), more.end());
    std::vector<sim::OptionDoc> txn = transaction_options();
    options.insert(options.end(), txn.begin(), txn.end());
    // A group with a seek, so that the reader visits the seek keys for the schema.
    std::vector<std::string> samples{"group_members: 1\nseek: { at: 1s, to_time: 0s }\n",
                                     "group_members: 1\nseek: { at: 1s, to_offset: 0 }\n",
                                     "enable_idempotence: true\ntransactional_id: t\n"};
    return sim::ModelDocs{"acks", std::move(samples), std::move(options), check_docs()};
  }();
  return docs;
}
