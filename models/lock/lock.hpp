// The lock model's entry point for the registry.
#pragma once

#include <memory>

#include "models/model.hpp"

std::unique_ptr<sim::Model> make_lock_model();
/// What its parameters and checks mean, for describe, new and schema.
const sim::ModelDocs& lock_docs();
