// The lock model's entry point for the registry.
#pragma once

#include <memory>

#include "models/model.hpp"

std::unique_ptr<sim::Model> make_lock_model();
