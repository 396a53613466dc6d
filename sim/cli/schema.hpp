// The JSON Schema (draft 2020-12) of scenario and study files, built from the option catalog
// (models/catalog.hpp): what the loader's and the models' readers record, so the schema an editor
// checks against says what `designsim check` says, as far as a schema can. scenarios/schema.json
// is its output, and a test keeps the two equal.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

#include "models/catalog.hpp"

namespace sim::cli {

using Json = nlohmann::ordered_json;

Json scenario_schema();

/// The schema of one option's value, from what its reader recorded.
Json value_schema(const OptionSpec& spec);
/// One line for hover text: the meaning, then the default and range.
std::string hover_text(const DescribedOption& option);

}  // namespace sim::cli
