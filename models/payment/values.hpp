// Reading the columns of a row the simulated PostgreSQL returned: the payment tables hold
// integers and text, and a NULL reads as 0 or "".
#pragma once

#include <cstdint>
#include <string>
#include <variant>

#include "models/postgres/value.hpp"

namespace payment {

inline std::int64_t integer(const postgres::Value& value) {
  const auto* number = std::get_if<std::int64_t>(&value);
  return number ? *number : 0;
}

inline std::string text(const postgres::Value& value) {
  const auto* s = std::get_if<std::string>(&value);
  return s ? *s : std::string();
}

}  // namespace payment
