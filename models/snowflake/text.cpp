#include "models/snowflake/text.hpp"

#include <cmath>

namespace snowflake {

std::string per_second_text(double rate) {
  double rounded = std::round(rate);
  return group_digits(rounded <= 0 ? 0 : static_cast<std::uint64_t>(rounded)) + "/s";
}

}  // namespace snowflake
