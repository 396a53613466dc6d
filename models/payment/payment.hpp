// The payment model's entry point for the registry.
#pragma once

#include <memory>

#include "models/model.hpp"

std::unique_ptr<sim::Model> make_payment_model();
/// What its parameters and checks mean, for describe, new and schema.
const sim::ModelDocs& payment_docs();
