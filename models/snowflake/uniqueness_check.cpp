#include <algorithm>
#include <fmt/format.h>

#include "models/snowflake/checks.hpp"
#include "models/snowflake/id_layout.hpp"
#include "models/snowflake/text.hpp"

namespace snowflake {
namespace {

struct Keyed {
  std::int64_t id;
  std::uint32_t index;  // into Observations::issued; ties on id keep issue order
};

std::string issue_text(const Observations& observations, const IssuedId& issued) {
  return observations.nodes[issued.node].name + " at " + sim::to_string(issued.at);
}

std::uint64_t count_duplicates(const std::vector<IssuedId>& issued) {
  std::vector<std::int64_t> ids;
  ids.reserve(issued.size());
  for (const IssuedId& record : issued) ids.push_back(record.id);
  std::sort(ids.begin(), ids.end());
  std::uint64_t count = 0;
  for (std::size_t k = 1; k < ids.size(); ++k)
    if (ids[k] == ids[k - 1]) ++count;
  return count;
}

}  // namespace

Duplicates find_duplicates(const std::vector<IssuedId>& issued) {
  // Counting on bare ids is cheap; only a run with duplicates pays for finding the first.
  if (count_duplicates(issued) == 0) return Duplicates{};
  std::vector<Keyed> keyed;
  keyed.reserve(issued.size());
  for (std::uint32_t i = 0; i < issued.size(); ++i) keyed.push_back(Keyed{issued[i].id, i});
  std::sort(keyed.begin(), keyed.end(),
            [](const Keyed& a, const Keyed& b) { return a.id != b.id ? a.id < b.id : a.index < b.index; });
  Duplicates found;
  for (std::size_t k = 1; k < keyed.size(); ++k) {
    if (keyed[k].id != keyed[k - 1].id) continue;
    ++found.count;
    // The second of a group is that id's earliest re-issue.
    bool second_of_group = k == 1 || keyed[k - 2].id != keyed[k].id;
    if (second_of_group && (!found.first || keyed[k].index < found.first->second))
      found.first = std::pair<std::size_t, std::size_t>{keyed[k - 1].index, keyed[k].index};
  }
  return found;
}

sim::CheckResult UniquenessCheck::judge(const Observations& observations, const Duplicates& duplicates) const {
  std::size_t ids = observations.issued.size();
  sim::CheckResult result;
  result.name = "uniqueness";
  result.held = duplicates.count == 0;
  result.summary = result.held
                       ? "no duplicate among " + group_digits(ids) + " ids"
                       : count_of(duplicates.count, "duplicate id", "duplicate ids") + " among " + group_digits(ids);
  result.details.emplace_back("ids issued", group_digits(ids));
  result.details.emplace_back("distinct ids", group_digits(ids - duplicates.count));
  result.details.emplace_back("duplicate ids", group_digits(duplicates.count));
  if (!duplicates.first) return result;
  const IssuedId& original = observations.issued[duplicates.first->first];
  const IssuedId& again = observations.issued[duplicates.first->second];
  IdFields fields = parse_id(again.id, 0);
  std::string what = fmt::format("id {} (epoch + {} ms, node id {}, sequence {}) issued by {}, again by {}", again.id,
                                 fields.timestamp_ms, fields.node_id, fields.sequence,
                                 issue_text(observations, original), issue_text(observations, again));
  result.details.emplace_back("first duplicate", what);
  std::vector<std::string> nodes{observations.nodes[original.node].name};
  if (again.node != original.node) nodes.push_back(observations.nodes[again.node].name);
  result.first = sim::Violation{again.at, std::move(nodes), what};
  return result;
}

}  // namespace snowflake
