#include "sim/run/shrink_steps.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "sim/run/fault_yaml.hpp"

namespace sim {
namespace {

// Reading through a const node never adds the key it asks for, as a non-const one would.
YAML::Node child(const YAML::Node& node, const char* key) {
  const YAML::Node& parent = node;
  if (!parent || !parent.IsMap()) return YAML::Node(YAML::NodeType::Undefined);
  return parent[key];
}

YAML::Node fault_list(const YAML::Node& root) {
  YAML::Node faults = child(root, "faults");
  return faults && faults.IsSequence() ? faults : YAML::Node(YAML::NodeType::Sequence);
}

std::size_t fault_count(const YAML::Node& root) { return fault_list(root).size(); }

void set_faults(YAML::Node& root, const YAML::Node& faults) {
  if (faults.size() == 0)
    root.remove("faults");
  else
    root["faults"] = faults;
}

/// The fault's kind: its key other than at: and after:, "random" for a random one.
std::string fault_kind(const YAML::Node& item) {
  if (!item.IsMap()) return "";
  for (const auto& entry : item) {
    std::string key = entry.first.Scalar();
    if (key != "at" && key != "after") return key;
  }
  return "";
}

std::string scalar_or(const YAML::Node& node, const char* key, std::string fallback) {
  YAML::Node value = child(node, key);
  return value && value.IsScalar() ? value.Scalar() : fallback;
}

std::string describe_fault(const YAML::Node& item) {
  std::string kind = fault_kind(item);
  YAML::Node body = child(item, kind.c_str());
  if (kind == "random") return fmt::format("random {} faults", scalar_or(body, "kind", "?"));
  std::string node = scalar_or(body, "node", scalar_or(body, "isolate", ""));
  if (node.empty() && child(body, "from")) node = scalar_or(body, "from", "") + " <-> " + scalar_or(body, "to", "");
  std::string when = child(item, "after") ? "after " + scalar_or(child(item, "after"), "event", "an event")
                                          : "at " + scalar_or(item, "at", "a drawn time");
  return fmt::format("{}{} {}", kind, node.empty() ? "" : " of " + node, when);
}

/// Two significant digits, rounded down (up with `up`), never below 1 ns.
Duration two_digits(Duration d, bool up) {
  std::int64_t ns = std::max<std::int64_t>(d.ns(), 1);
  std::int64_t unit = 1;
  while (ns / unit >= 100) unit *= 10;
  std::int64_t rounded = ns / unit * unit;
  if (up && rounded < ns) rounded += unit;
  return Duration::nanoseconds(rounded);
}

/// Shorter magnitudes to try, shortest first: an eighth, a quarter, a half, three quarters.
std::vector<Duration> shorter_durations(Duration d) {
  Duration magnitude = d < Duration::zero() ? Duration::zero() - d : d;
  std::vector<Duration> out;
  for (std::int64_t eighths : {1, 2, 4, 6}) {
    Duration shorter = two_digits(Duration::nanoseconds(magnitude.ns() / 8 * eighths), false);
    if (shorter > Duration::zero() && shorter < magnitude && std::find(out.begin(), out.end(), shorter) == out.end())
      out.push_back(shorter);
  }
  return out;
}

/// Smaller counts to try, smallest first, within [1, value).
std::vector<std::int64_t> smaller_counts(std::int64_t value, std::initializer_list<std::int64_t> candidates) {
  std::vector<std::int64_t> out;
  for (std::int64_t c : candidates)
    if (c >= 1 && c < value && std::find(out.begin(), out.end(), c) == out.end()) out.push_back(c);
  std::sort(out.begin(), out.end());
  return out;
}

void fix_random_faults(Shrinker& s) {
  YAML::Node faults = fault_list(s.best());
  YAML::Node fixed(YAML::NodeType::Sequence);
  std::size_t random_entries = 0;
  for (const YAML::Node& item : faults) {
    if (fault_kind(item) == "random")
      ++random_entries;
    else
      fixed.push_back(YAML::Clone(item));
  }
  if (random_entries == 0) return;
  for (const FiredRandomFault& fired : s.best_fired())
    fixed.push_back(fault_item(fired.at.since_start(), fired.action));
  YAML::Node candidate = YAML::Clone(s.best());
  set_faults(candidate, fixed);
  s.accept(candidate, fmt::format("{} random fault {} became the {} fixed faults that fired", random_entries,
                                  random_entries == 1 ? "entry" : "entries", s.best_fired().size()));
}

bool try_without(Shrinker& s, std::size_t begin, std::size_t end) {
  YAML::Node faults = fault_list(s.best());
  YAML::Node kept(YAML::NodeType::Sequence);
  std::string removed;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    if (i >= begin && i < end)
      removed += (removed.empty() ? "" : "; ") + describe_fault(faults[i]);
    else
      kept.push_back(YAML::Clone(faults[i]));
  }
  YAML::Node candidate = YAML::Clone(s.best());
  set_faults(candidate, kept);
  return s.accept(candidate, fmt::format("removed {}: {}", end - begin == 1 ? "a fault" : "faults", removed));
}

// ddmin over the fault list: all at once first, then halves, quarters, ... down to single
// faults, removing a chunk whenever the check is still violated without it.
void remove_faults(Shrinker& s) {
  std::size_t count = fault_count(s.best());
  if (count == 0 || try_without(s, 0, count)) return;
  std::size_t chunks = 2;
  while (!s.budget_spent()) {
    std::size_t n = fault_count(s.best());
    if (n < 2) break;
    chunks = std::min(chunks, n);
    bool removed = false;
    for (std::size_t c = 0; c < chunks && !removed; ++c) removed = try_without(s, c * n / chunks, (c + 1) * n / chunks);
    if (removed) {
      chunks = std::max<std::size_t>(chunks - 1, 2);
      continue;
    }
    if (chunks == n) break;
    chunks = std::min(chunks * 2, n);
  }
}

void shorten_fault_field(Shrinker& s, std::size_t index, const char* field) {
  YAML::Node item = fault_list(s.best())[index];
  std::string kind = fault_kind(item);
  if (kind.empty() || kind == "random") return;
  std::string text = scalar_or(child(item, kind.c_str()), field, "");
  std::optional<Duration> d = parse_duration(text);
  if (text.empty() || !d || *d == Duration::zero()) return;
  bool signed_field = std::string_view(field) == "by";
  for (Duration shorter : shorter_durations(*d)) {
    if (*d < Duration::zero()) shorter = Duration::zero() - shorter;
    std::string written = (signed_field && shorter > Duration::zero() ? "+" : "") + to_string(shorter);
    YAML::Node candidate = YAML::Clone(s.best());
    candidate["faults"][index][kind][field] = written;
    if (s.accept(candidate, fmt::format("{}: {} {} -> {}", describe_fault(item), field, text, written))) return;
  }
}

void shorten_fault_durations(Shrinker& s) {
  for (std::size_t i = 0; i < fault_count(s.best()) && !s.budget_spent(); ++i)
    for (const char* field : {"duration", "restart_after", "by"}) shorten_fault_field(s, i, field);
}

// The counts a shrink may lower (clients, nodes, servers, users; Redlock's masters) and the
// loads (`rate: 2000/s`), where the scenario writes them.
struct ParamPath {
  const char* section;  ///< nullptr: directly under params:
  const char* key;
  bool is_rate;
};
constexpr ParamPath shrinkable_params[] = {
    {nullptr, "clients", false}, {nullptr, "nodes", false}, {nullptr, "servers", false}, {nullptr, "users", false},
    {"redlock", "nodes", false}, {nullptr, "rate", true},   {nullptr, "hot_rate", true},
};

YAML::Node param_node(const YAML::Node& root, const ParamPath& path) {
  // Never assign one YAML::Node to another here: that rebinds the node inside the tree.
  YAML::Node params = child(root, "params");
  return path.section ? child(child(params, path.section), path.key) : child(params, path.key);
}

void set_param(YAML::Node& root, const ParamPath& path, const std::string& value) {
  if (path.section)
    root["params"][path.section][path.key] = value;
  else
    root["params"][path.key] = value;
}

/// "2000/s" as (2000, "/s"); nothing unless the count is written in plain digits.
std::optional<std::pair<std::int64_t, std::string>> rate_parts(const std::string& text) {
  std::size_t slash = text.find('/');
  if (slash == 0 || slash == std::string::npos || slash > 15) return std::nullopt;
  std::string count = text.substr(0, slash);
  if (!std::all_of(count.begin(), count.end(), [](char c) { return c >= '0' && c <= '9'; })) return std::nullopt;
  return std::make_pair(std::stoll(count), text.substr(slash));
}

void shrink_param(Shrinker& s, const ParamPath& path) {
  YAML::Node node = param_node(s.best(), path);
  if (!node || !node.IsScalar()) return;
  std::string text = node.Scalar();
  std::string name = path.section ? fmt::format("{}.{}", path.section, path.key) : path.key;
  std::optional<std::pair<std::int64_t, std::string>> rate = rate_parts(text);
  std::int64_t value = 0;
  if (path.is_rate && rate)
    value = rate->first;
  else if (!path.is_rate && !text.empty() &&
           std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }) && text.size() < 16)
    value = std::stoll(text);
  if (value < 2) return;
  std::vector<std::int64_t> tries = path.is_rate
                                        ? smaller_counts(value, {value / 8, value / 4, value / 2, value * 3 / 4})
                                        : smaller_counts(value, {1, 2, value / 4, value / 2, value * 3 / 4, value - 1});
  for (std::int64_t smaller : tries) {
    std::string written = path.is_rate ? std::to_string(smaller) + rate->second : std::to_string(smaller);
    YAML::Node candidate = YAML::Clone(s.best());
    set_param(candidate, path, written);
    if (s.accept(candidate, fmt::format("{} {} -> {}", name, text, written))) return;
  }
}

void shrink_params(Shrinker& s) {
  for (const ParamPath& path : shrinkable_params)
    if (!s.budget_spent()) shrink_param(s, path);
}

/// The faults of a run cut to `length`: those after it dropped, random ones stopped at it.
YAML::Node faults_within(const YAML::Node& faults, Duration length, std::string& dropped) {
  YAML::Node kept(YAML::NodeType::Sequence);
  for (const YAML::Node& item : faults) {
    YAML::Node copy = YAML::Clone(item);
    std::optional<Duration> at = parse_duration(scalar_or(item, "at", ""));
    std::optional<Duration> delay = parse_duration(scalar_or(child(item, "after"), "delay", ""));
    YAML::Node random = child(item, "random");
    std::optional<Duration> start = parse_duration(scalar_or(random, "start", ""));
    std::optional<Duration> stop = parse_duration(scalar_or(random, "stop", ""));
    if ((at && *at > length) || (delay && *delay > length) || (start && *start >= length)) {
      dropped += (dropped.empty() ? "" : "; ") + describe_fault(item);
      continue;
    }
    if (stop && *stop > length) copy["random"]["stop"] = to_string(length);
    kept.push_back(copy);
  }
  return kept;
}

/// Run lengths to try, shortest first: just past the check's first violation, then an
/// eighth, a quarter and a half of the way from there to the run's end.
std::vector<Duration> shorter_runs(Duration length, std::optional<Duration> violation) {
  Duration low = violation.value_or(Duration::zero());
  Duration margin = std::max(Duration::nanoseconds(low.ns() / 20), Duration::milliseconds(1));
  std::vector<Duration> out;
  for (Duration end :
       {low + margin, low + Duration::nanoseconds((length - low).ns() / 8),
        low + Duration::nanoseconds((length - low).ns() / 4), low + Duration::nanoseconds((length - low).ns() / 2)}) {
    Duration rounded = two_digits(end, true);
    if (rounded > low && rounded < length && std::find(out.begin(), out.end(), rounded) == out.end())
      out.push_back(rounded);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<Duration> violation_time(const Shrinker& s) {
  for (const CheckOutcome& check : s.best_run().checks)
    if (check.result.name == s.check() && check.result.first) return check.result.first->at.since_start();
  return std::nullopt;
}

void shorten_run(Shrinker& s) {
  Duration length = s.best_run().duration;
  for (Duration shorter : shorter_runs(length, violation_time(s))) {
    YAML::Node candidate = YAML::Clone(s.best());
    candidate["duration"] = to_string(shorter);
    std::string dropped;
    set_faults(candidate, faults_within(fault_list(s.best()), shorter, dropped));
    std::string change = fmt::format("duration {} -> {}", to_string(length), to_string(shorter));
    if (!dropped.empty()) change += " (dropping the faults after it: " + dropped + ")";
    if (s.accept(candidate, change)) return;
  }
}

}  // namespace

void run_shrink_steps(Shrinker& s) {
  fix_random_faults(s);
  for (int pass = 0; pass < 4 && !s.budget_spent(); ++pass) {
    std::size_t before = s.changes().size();
    remove_faults(s);
    shorten_fault_durations(s);
    shrink_params(s);
    shorten_run(s);
    if (s.changes().size() == before) break;
  }
}

std::vector<std::string> fault_descriptions(const YAML::Node& root) {
  std::vector<std::string> out;
  for (const YAML::Node& item : fault_list(root)) out.push_back(describe_fault(item));
  return out;
}

}  // namespace sim
