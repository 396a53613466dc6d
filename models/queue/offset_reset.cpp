#include "models/queue/offset_reset.hpp"

#include <fmt/format.h>

namespace queue {

ResetTarget reset_target(OffsetReset policy, Offset position, const FetchedPartition& got) {
  if (position >= got.log_start) return ResetTarget{got.diverging_end, "log end"};
  switch (policy) {
    case OffsetReset::earliest: return ResetTarget{got.log_start, "earliest"};
    case OffsetReset::latest: return ResetTarget{got.last_fetchable, "latest"};
    case OffsetReset::none: return ResetTarget{std::nullopt, "none"};
  }
  return ResetTarget{std::nullopt, "none"};
}

std::string describe_reset(int partition, Offset from, const ResetTarget& target) {
  Offset to = target.to.value_or(-1);
  if (target.why == "log end") return fmt::format("p{} from {} to the log end {}", partition, from, to);
  if (target.why == "earliest") return fmt::format("p{} from {} to the log start {} (earliest)", partition, from, to);
  return fmt::format("p{} from {} to the high watermark {} ({})", partition, from, to, target.why);
}

}  // namespace queue
