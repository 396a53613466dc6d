// Every PostgreSQL case of Kleppmann's Hermitage suite (ept/hermitage, postgres.md) as a schedule,
// statement by statement in the order the case runs them, on Hermitage's table test (id int
// primary key, value int) holding (1, 10) and (2, 20), so that the conformance harness plays them
// on a real server as well as on the model. The model's own tests of the cases
// (tests/test_postgres_hermitage.cpp) check what each statement gives; played on both, the two
// must agree statement by statement.
#pragma once

#include <string>
#include <vector>

#include "models/postgres/schedule.hpp"

namespace conform {

struct NamedSchedule {
  std::string name;
  postgres::Schedule schedule;
};

std::vector<NamedSchedule> hermitage_schedules();

}  // namespace conform
