// What a ParamReader learns about the options it reads, when asked to keep it: each key the
// reader's caller visits, with its type, whether it is required, its default, its range and its
// allowed values, exactly as the accessor was called. `designsim describe`, `designsim new` and
// `designsim schema` are built from these records, gathered by running the loader's own readers,
// so what they say cannot drift from what the loader accepts.
//
// Determinism: records are kept in the order the reader visited them; nothing is hashed.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/random.hpp"

namespace sim {

enum class OptionType {
  duration,        ///< "250ms", "1.5s"
  integer,         ///< a whole number
  real,            ///< a number
  boolean,         ///< true or false
  string,          ///< free text
  choice,          ///< one of `choices`
  rate,            ///< "100/min"
  ratio,           ///< "1/1000", "0.1%", "0.001"
  duration_dist,   ///< "2ms" or {dist: uniform, min: 1ms, max: 3ms}
  string_list,     ///< a list of names (one name is a list of one)
  node_ref,        ///< "redis-3", "role:redis" or "*"
  node_refs,       ///< a non-empty list of node references (one is a list of one)
  duration_map,    ///< a mapping of names to durations (per-node overrides)
  section,         ///< a nested mapping
  section_list,    ///< a list of mappings
  value,           ///< a shape the caller checks itself
};

const char* to_string(OptionType type);

struct OptionSpec {
  /// Where the key sits, as a user writes it, list indices dropped: "params.redlock.nodes",
  /// "faults[].pause.node".
  std::string path{};
  OptionType type = OptionType::value;
  bool required = false;
  std::optional<std::string> fallback{};  ///< the default, as YAML would write it
  std::string minimum{};                ///< inclusive bound as written ("1ms", "1"); empty: none
  std::string maximum{};
  std::vector<std::string> choices{};   ///< for `choice`
  bool positive = false;                ///< a duration that must be more than zero
  /// Only asked about (has()), never read: a key the reader refuses here, or reads elsewhere.
  bool declared_only = false;

  /// The last segment of `path`.
  std::string key() const;
  /// `path` without its last segment ("" at the top level).
  std::string parent() const;
};

/// One line of meaning for a key, by its path ("ttl", "redis.failover.enabled", "bursts[].at").
/// The key's type, default and range are not written with it: they are recorded from the reader
/// itself, and a test checks that every key recorded has its line and every line its key.
struct OptionDoc {
  std::string path;
  std::string text;
};

/// The records of one reading, first visit first; a key visited twice keeps what it learned first
/// and takes any later detail (a default, a range) it lacked.
class OptionLog {
public:
  void add(OptionSpec spec);
  const std::vector<OptionSpec>& specs() const { return specs_; }
  const OptionSpec* find(const std::string& path) const;

private:
  std::vector<OptionSpec> specs_;
};

/// Values as a scenario writes them: "1/1000", "{dist: uniform, min: 1ms, max: 3ms}", "[a, b]".
std::string yaml_text(const Ratio& ratio);
std::string yaml_text(const DurationDist& dist);
std::string yaml_text(const std::vector<std::string>& names);

/// "faults[2].pause.node" -> "faults[].pause.node".
std::string without_indices(const std::string& label);

}  // namespace sim
