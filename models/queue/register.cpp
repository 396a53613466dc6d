#include "models/queue/queue.hpp"

#include "models/queue/queue_model.hpp"

std::unique_ptr<sim::Model> make_queue_model() { return std::make_unique<queue::QueueModel>(); }
