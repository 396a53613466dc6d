// The Kafka-like message queue (Problem 6): brokers with replicated partitions, a KRaft
// controller quorum on Raft, a producer and a consumer, checked like Jepsen checks Kafka. The
// registry lists it.
#pragma once

#include <memory>

#include "models/model.hpp"

std::unique_ptr<sim::Model> make_queue_model();
/// What its parameters and checks mean, for describe, new and schema.
const sim::ModelDocs& queue_docs();
