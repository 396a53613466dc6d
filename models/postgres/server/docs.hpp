// What each key of a `postgres:` section means, for the models that embed the section. Types,
// defaults and ranges come from read_postgres_options itself (models/catalog.hpp).
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/option_log.hpp"

namespace postgres {

const std::vector<sim::OptionDoc>& option_docs();

/// `option_docs()` under `prefix` ("postgres."), with `section` describing the section itself.
std::vector<sim::OptionDoc> option_docs_under(const std::string& prefix, const std::string& section);

}  // namespace postgres
