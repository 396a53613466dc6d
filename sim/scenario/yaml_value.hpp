// One value of a scenario file and the typed readings of it. Every reading either returns a
// checked value or throws ScenarioError at the value's own line and column, naming the value
// ("params.ttl"), what was expected, and what was found.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/fault_spec.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/time.hpp"

namespace sim {

class OptionLog;

/// Inclusive bounds of a duration. The defaults accept any duration that is not negative.
struct DurationRange {
  Duration min = Duration::zero();
  Duration max = Duration::max();

  static DurationRange positive() { return {Duration::nanoseconds(1), Duration::max()}; }
  static DurationRange any() { return {Duration::nanoseconds(INT64_MIN), Duration::max()}; }
};

/// A string with the place it was written, for names checked later (checks, nodes, metrics).
struct MarkedString {
  std::string text;
  SourceMark where;
};

/// "file:line:column" of a node; line 0 when yaml-cpp knows no place for it.
SourceMark mark_of(const YAML::Node& node, const std::string& file);
/// How a value looks in a message: "\"10 parsecs\"", "a list", "a mapping", "nothing".
std::string describe(const YAML::Node& node);

struct YamlValue {
  YAML::Node node;
  std::string label;  ///< as the user would write its path: "params.ttl", "faults[2].at"
  SourceMark where;

  /// `fallback` places values yaml-cpp cannot place itself (an empty value: the key's place).
  static YamlValue of(const YAML::Node& node, std::string label, const SourceMark& fallback);
  /// The i-th element of this list, labelled "label[i]".
  YamlValue item(const YAML::Node& element, std::size_t index) const;

  /// Throws "LABEL: message".
  [[noreturn]] void fail(const std::string& message) const;
  /// Throws "LABEL: expected WHAT, got VALUE (WHY)".
  [[noreturn]] void expected(std::string_view what, std::string_view why = {}) const;
  /// Throws "LABEL must be RANGE, got VALUE".
  [[noreturn]] void out_of_range(const std::string& range) const;
  /// The scalar's text, or expected(what) for a list, a mapping or an empty value.
  const std::string& scalar(std::string_view what) const;
};

Duration read_duration(const YamlValue& value, const DurationRange& range = {});
std::int64_t read_int64(const YamlValue& value, std::int64_t min, std::int64_t max);
std::uint64_t read_uint64(const YamlValue& value, std::uint64_t min, std::uint64_t max);
double read_real(const YamlValue& value, double min, double max);
bool read_boolean(const YamlValue& value);
std::string read_string(const YamlValue& value);
std::string read_choice(const YamlValue& value, const std::vector<std::string_view>& allowed);
Rate read_rate(const YamlValue& value);
Ratio read_ratio(const YamlValue& value);
/// "redis-3", "role:redis" or "*".
NodeRef read_node_ref(const YamlValue& value);
/// A list of strings; a single string stands for a list of one.
std::vector<MarkedString> read_marked_strings(const YamlValue& value);
/// A non-empty list of node references; a single one stands for a list of one.
std::vector<NodeRef> read_node_refs(const YamlValue& value);
/// A bare duration (constant) or a mapping {dist: KIND, ...} as distribution.hpp describes.
/// With `log`, records the distribution's fields there (option_log.hpp).
DurationDist read_duration_dist(const YamlValue& value, std::shared_ptr<OptionLog> log = nullptr);

}  // namespace sim
