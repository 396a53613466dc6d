// Reading one YAML mapping of a scenario with typed accessors. The loader reads the scenario's
// own sections with it and every model reads its `params:` with it, so a bad value anywhere is
// reported one way: file, line and column of the value, its dotted name, what was expected and
// what was found.
//
// Each accessor records its key as known, whether the mapping holds it or not; finish() then
// rejects the first key (in document order) that nothing read, suggesting the nearest known
// key. Child readers (section, section_list) share that bookkeeping, so finish() on a parent
// checks its children too. A duplicate key is an error. Keys are never kept in an unordered
// container: every scan follows the document.
//
// Given an OptionLog (keep_log), the reader and its children also record every key their caller
// visits, with its type, default and range (option_log.hpp): the loader's own reading is then
// the description of what it accepts.
#pragma once

#include <concepts>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/kernel/distribution.hpp"
#include "sim/kernel/fault_spec.hpp"
#include "sim/kernel/random.hpp"
#include "sim/kernel/time.hpp"
#include "sim/scenario/option_log.hpp"
#include "sim/scenario/yaml_value.hpp"

namespace sim {

struct Scenario;

class ParamReader {
public:
  /// Reads `node`, a mapping (or nothing: an empty one) written at `where`. `path` prefixes
  /// names in messages: "params" reports "params.ttl"; "" reads the top level of a file.
  ParamReader(const YAML::Node& node, const SourceMark& where, std::string path);
  /// The reader of a scenario's `params:`, for its model.
  static ParamReader of_params(const Scenario& scenario);

  /// Records every key this reader and its later children visit into `log`.
  void keep_log(std::shared_ptr<OptionLog> log);

  /// Whether the mapping holds `key`; declares the key known without reading it.
  bool has(std::string_view key);

  /// An accessor without a fallback requires its key; one with a fallback returns it when the
  /// key is absent. A key written with an empty value is an error either way.
  Duration duration(std::string_view key, const DurationRange& range = {});
  Duration duration(std::string_view key, Duration fallback, const DurationRange& range = {});
  std::optional<Duration> optional_duration(std::string_view key, const DurationRange& range = {});

  /// A whole number in [min, max], inclusive.
  template <std::integral Int>
    requires(!std::same_as<Int, bool>)
  Int integer(std::string_view key, Int min, Int max) {
    note_integer(key, true, std::nullopt, std::to_string(min), std::to_string(max));
    return integer_in(required(key), min, max);
  }
  template <std::integral Int>
    requires(!std::same_as<Int, bool>)
  Int integer(std::string_view key, Int fallback, Int min, Int max) {
    note_integer(key, false, std::to_string(fallback), std::to_string(min), std::to_string(max));
    auto found = value(key);
    return found ? integer_in(*found, min, max) : fallback;
  }
  /// A whole number in [min, max], or nullopt when the key is absent.
  template <std::integral Int>
    requires(!std::same_as<Int, bool>)
  std::optional<Int> optional_integer(std::string_view key, Int min, Int max) {
    note_integer(key, false, std::nullopt, std::to_string(min), std::to_string(max));
    auto found = value(key);
    if (!found) return std::nullopt;
    return integer_in(*found, min, max);
  }

  double real(std::string_view key, double min, double max);
  double real(std::string_view key, double fallback, double min, double max);
  bool boolean(std::string_view key);
  bool boolean(std::string_view key, bool fallback);
  std::string string(std::string_view key);
  std::string string(std::string_view key, std::string fallback);
  /// One of `allowed`; a message lists them all.
  std::string choice(std::string_view key, const std::vector<std::string_view>& allowed);
  std::string choice(std::string_view key, const std::vector<std::string_view>& allowed, std::string_view fallback);
  /// "100/min", "1/10s".
  Rate rate(std::string_view key);
  Rate rate(std::string_view key, Rate fallback);
  std::optional<Rate> optional_rate(std::string_view key);
  /// "1/1000", "0.1%", "0.001": exactly, as integers.
  Ratio ratio(std::string_view key);
  Ratio ratio(std::string_view key, Ratio fallback);
  std::optional<Ratio> optional_ratio(std::string_view key);
  /// "2ms" (constant) or {dist: uniform, min: 1ms, max: 3ms}, as distribution.hpp lists.
  DurationDist duration_dist(std::string_view key);
  DurationDist duration_dist(std::string_view key, const DurationDist& fallback);
  /// A list of strings (a single string is a list of one).
  std::vector<std::string> string_list(std::string_view key);
  std::vector<std::string> string_list(std::string_view key, std::vector<std::string> fallback);
  /// Like string_list, each with its place; absent is empty.
  std::vector<MarkedString> marked_strings(std::string_view key);
  NodeRef node_ref(std::string_view key);
  /// A non-empty list of node references (a single one is a list of one).
  std::vector<NodeRef> node_refs(std::string_view key);
  /// A mapping of names to durations in `range` ("skew: {api-0: 5ms}"), in document order, each
  /// name with its place; absent is empty. The caller checks the names.
  std::vector<std::pair<MarkedString, Duration>> named_durations(std::string_view key, const DurationRange& range);

  /// The nested mapping under `key` ("params.storage.*"); absent or empty is an empty one.
  ParamReader section(std::string_view key);
  /// A list of mappings ("faults[0].*", "faults[1].*"); absent is empty.
  std::vector<ParamReader> section_list(std::string_view key);
  /// The value as written, for shapes the caller checks itself; nullopt when absent.
  std::optional<YamlValue> value(std::string_view key);
  /// As value(), but a missing key is an error.
  YamlValue required(std::string_view key);

  /// The keys the mapping holds, in document order.
  std::vector<std::string> keys() const;
  /// Where `key` is written, or where the mapping is when it is absent.
  SourceMark key_where(std::string_view key) const;
  const SourceMark& where() const;
  const std::string& path() const;
  /// "params.ttl" for "ttl" under "params".
  std::string label(std::string_view key) const;
  /// Throws "LABEL: message" at the key's value (or at the mapping when the key is absent).
  [[noreturn]] void fail(std::string_view key, const std::string& message) const;
  /// Throws "PATH: message" at the mapping.
  [[noreturn]] void fail(const std::string& message) const;

  /// Throws for the first key, here or in any child reader, that nothing read.
  void finish() const;

private:
  struct State;
  explicit ParamReader(std::shared_ptr<State> state);
  ParamReader child(const YAML::Node& node, const SourceMark& where, std::string path);
  /// Records `key` with `spec`'s details when a log is kept.
  void note(std::string_view key, OptionSpec spec);
  void note_integer(std::string_view key, bool required, std::optional<std::string> fallback, std::string min,
                    std::string max);
  void note_duration(std::string_view key, bool required, std::optional<Duration> fallback,
                     const DurationRange& range);

  template <class Int>
  static Int integer_in(const YamlValue& found, Int min, Int max) {
    if constexpr (std::is_signed_v<Int>)
      return static_cast<Int>(read_int64(found, min, max));
    else
      return static_cast<Int>(read_uint64(found, min, max));
  }

  std::shared_ptr<State> state_;
};

}  // namespace sim
