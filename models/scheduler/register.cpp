#include "models/scheduler/scheduler.hpp"

#include "models/scheduler/scheduler_model.hpp"

std::unique_ptr<sim::Model> make_scheduler_model() { return std::make_unique<scheduler::SchedulerModel>(); }
