// The list of models, in the order `designsim list` shows them.
#include "models/model.hpp"
#include "models/bank/bank.hpp"
#include "models/lock/lock.hpp"
#include "models/payment/payment.hpp"
#include "models/queue/queue.hpp"
#include "models/ratelimiter/ratelimiter.hpp"
#include "models/scheduler/scheduler.hpp"
#include "models/snowflake/snowflake.hpp"

namespace sim {

const std::vector<ModelInfo>& model_registry() {
  static const std::vector<ModelInfo> registry = {
      {"snowflake", "Snowflake IDs: 41-bit ms timestamp, 10-bit node id, 12-bit sequence, no coordination",
       &make_snowflake_model, &snowflake_docs},
      {"ratelimiter",
       "Distributed rate limiter: 100 requests per user per minute across API servers; five algorithms, state in "
       "local memory, Redis or hybrid",
       &make_ratelimiter_model, &ratelimiter_docs},
      {"lock",
       "Distributed lock: a single Redis lock, Redlock or an etcd-like lock service on Raft guarding plain, fenced, "
       "check-and-set or transactional storage, under pauses, delays, clock jumps, restarts and failovers",
       &make_lock_model, &lock_docs},
      {"bank",
       "A bank on PostgreSQL: transfers, total reads and on-call doctors at each isolation level, with or without "
       "row locks, atomic updates and retries, under crashes",
       &make_bank_model, &bank_docs},
      {"queue",
       "Kafka-like message queue: brokers with replicated partitions, a KRaft controller on Raft, acks, the ISR, the "
       "high watermark, leader epochs and the page cache, under crashes, partitions and power loss",
       &make_queue_model, &queue_docs},
      {"payment",
       "Payment system: clients retrying with idempotency keys, API servers on PostgreSQL and a card network; "
       "exactly-once charges under double submits, lost replies and crashes",
       &make_payment_model, &payment_docs},
      {"scheduler",
       "Distributed task scheduler: an elected leader fires cron ticks and moves delayed tasks to an SQS-like queue; "
       "the seed's worker and a fixed one under long tasks, pauses, crashes, leader pauses and clock faults",
       &make_scheduler_model, &scheduler_docs},
  };
  return registry;
}

const ModelInfo* find_model(std::string_view name) {
  for (const ModelInfo& m : model_registry())
    if (m.name == name) return &m;
  return nullptr;
}

}  // namespace sim
