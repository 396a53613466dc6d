// The `postgres:` section of a design whose clients follow a failover (the bank, the payment
// system: their connections list every server, as libpq's host list): the server's keys and those
// of replication and failover (standbys, synchronous_standby_names, the walsender's and
// walreceiver's timeouts, replay_time, promote, patroni). Designs whose clients only ever reach the
// first primary read the section with read_postgres_options, which refuses these keys as unknown.
#pragma once

#include <string>
#include <vector>

#include "models/postgres/server/options.hpp"
#include "sim/scenario/option_log.hpp"

namespace postgres {

/// Reads and checks the section, replication keys included. Throws ScenarioError at the key.
ServerOptions read_replicated_postgres_options(sim::ParamReader& section);

/// What the replication keys mean, under `prefix` ("postgres.").
std::vector<sim::OptionDoc> replication_option_docs_under(const std::string& prefix);

}  // namespace postgres
