#include "models/lock/lock.hpp"

#include "models/lock/lock_model.hpp"

std::unique_ptr<sim::Model> make_lock_model() { return std::make_unique<lock::LockModel>(); }
