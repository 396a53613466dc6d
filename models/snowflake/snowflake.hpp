// The Snowflake ID generator (Problem 5): 64-bit ids made of a millisecond timestamp, a node id
// and a sequence number, issued by each node without coordination. The registry lists it.
#pragma once

#include <memory>

#include "models/model.hpp"

std::unique_ptr<sim::Model> make_snowflake_model();
/// What its parameters and checks mean, for describe, new and schema.
const sim::ModelDocs& snowflake_docs();
