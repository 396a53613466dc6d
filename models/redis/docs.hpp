// What each key of a `redis:` section means, by its path within the section ("failover.enabled"),
// for the models that embed the section. Types, defaults and ranges come from read_redis_options
// itself (models/catalog.hpp).
#pragma once

#include <string>
#include <vector>

#include "sim/scenario/option_log.hpp"

namespace redis {

const std::vector<sim::OptionDoc>& option_docs();

/// `option_docs()` under `prefix` ("redis."), with `section` describing the section itself.
std::vector<sim::OptionDoc> option_docs_under(const std::string& prefix, const std::string& section);

}  // namespace redis
