#include "models/snowflake/snowflake.hpp"

#include "models/snowflake/snowflake_model.hpp"

std::unique_ptr<sim::Model> make_snowflake_model() { return std::make_unique<snowflake::SnowflakeModel>(); }
