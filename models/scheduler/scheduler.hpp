// The task scheduler model's entry point for the registry.
#pragma once

#include <memory>

#include "models/model.hpp"

std::unique_ptr<sim::Model> make_scheduler_model();
/// What its parameters and checks mean, for describe, new and schema.
const sim::ModelDocs& scheduler_docs();
