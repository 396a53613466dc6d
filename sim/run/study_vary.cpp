#include "sim/run/study_vary.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/yaml_value.hpp"

namespace sim {
namespace {

constexpr int steps_max = 1000;

std::vector<std::string> split_path(const std::string& param) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = param.find('.', start);
    parts.push_back(param.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
    if (dot == std::string::npos) return parts;
    start = dot + 1;
  }
}

bool is_key(const std::string& part) {
  return !part.empty() && std::all_of(part.begin(), part.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool is_fault_kind(const std::string& kind) {
  std::vector<std::string> fixed = fixed_fault_kinds();
  std::vector<std::string> random = random_fault_kinds();
  return std::find(fixed.begin(), fixed.end(), kind) != fixed.end() ||
         (kind != "random" && std::find(random.begin(), random.end(), kind) != random.end());
}

void check_param(ParamReader& vary, const std::string& param) {
  std::vector<std::string> parts = split_path(param);
  bool keys = std::all_of(parts.begin(), parts.end(), is_key);
  bool run_length = parts.size() == 1 && parts[0] == "duration";
  bool model_param = parts[0] == "params" && (parts.size() == 2 || parts.size() == 3);
  bool fault_field = parts.size() == 2 && is_fault_kind(parts[0]);
  if (keys && (run_length || model_param || fault_field)) return;
  vary.fail("param", fmt::format("expected duration, params.KEY, params.SECTION.KEY or KIND.FIELD with KIND a fault "
                                 "kind (as in pause.duration or params.ttl), got '{}'",
                                 param));
}

std::optional<double> number_of(const std::string& text) {
  double value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<VaryKind> kind_of(const std::string& text) {
  if (parse_duration(text)) return VaryKind::duration;
  if (number_of(text)) return VaryKind::number;
  if (parse_rate(text)) return VaryKind::rate;
  return std::nullopt;
}

const char* kind_name(VaryKind kind) {
  switch (kind) {
    case VaryKind::duration: return "a duration (as 2s)";
    case VaryKind::number: return "a number (as 3)";
    case VaryKind::rate: return "a rate (as 100/s)";
  }
  return "";
}

VaryKind kind_of_all(const std::vector<MarkedString>& values) {
  std::optional<VaryKind> first;
  for (const MarkedString& value : values) {
    std::optional<VaryKind> kind = kind_of(value.text);
    if (!kind)
      throw ScenarioError(value.where, fmt::format("vary.values: expected a duration (2s), a number (3) or a rate "
                                                   "(100/s), got '{}'",
                                                   value.text));
    if (first && *kind != *first)
      throw ScenarioError(value.where, fmt::format("vary.values: expected {} like the first value, got '{}'",
                                                   kind_name(*first), value.text));
    first = kind;
  }
  return *first;
}

std::string scalar_text(ParamReader& vary, std::string_view key) {
  return vary.required(key).scalar("a duration or a number");
}

// from:, to: and steps: as the values they give, both ends included.
std::vector<std::string> range_values(ParamReader& vary, VaryKind& kind) {
  MarkedString from{scalar_text(vary, "from"), vary.key_where("from")};
  MarkedString to{scalar_text(vary, "to"), vary.key_where("to")};
  kind = kind_of_all({from, to});
  if (kind == VaryKind::rate) vary.fail("from", "a range takes durations or numbers; list rates under values:");
  int steps = vary.integer<int>("steps", 2, steps_max);
  std::vector<std::string> values;
  for (int i = 0; i < steps; ++i) {
    if (kind == VaryKind::duration) {
      std::int64_t a = parse_duration(from.text)->ns(), b = parse_duration(to.text)->ns();
      long double step = static_cast<long double>(b - a) * i / (steps - 1);
      values.push_back(to_string(Duration::nanoseconds(a + std::llround(step))));
    } else {
      double a = *number_of(from.text), b = *number_of(to.text);
      values.push_back(fmt::format("{:.10g}", a + (b - a) * i / (steps - 1)));
    }
  }
  return values;
}

void refuse_repeats(ParamReader& vary, const std::vector<std::string>& values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (study_slug(values[i]) == study_slug(values[j]))
        vary.fail(vary.has("values") ? "values" : "steps",
                  fmt::format("expected distinct values: '{}' and '{}' would name one cell", values[j], values[i]));
}

}  // namespace

std::optional<StudyVary> read_vary(ParamReader& top) {
  if (!top.has("vary")) return std::nullopt;
  ParamReader vary = top.section("vary");
  StudyVary result;
  result.where = top.key_where("vary");
  result.param = vary.string("param");
  check_param(vary, result.param);
  bool listed = vary.has("values");
  bool ranged = vary.has("from") || vary.has("to") || vary.has("steps");
  if (listed == ranged)
    vary.fail("expected either values: [...] or from:, to: and steps: (a range, both ends included)");
  if (listed) {
    std::vector<MarkedString> values = vary.marked_strings("values");
    if (values.empty()) vary.fail("values", "expected at least one value");
    result.kind = kind_of_all(values);
    for (const MarkedString& value : values) result.values.push_back(value.text);
  } else {
    result.values = range_values(vary, result.kind);
  }
  refuse_repeats(vary, result.values);
  vary.finish();
  return result;
}

std::size_t apply_vary(YAML::Node& cell, const StudyVary& vary, const std::string& value) {
  std::vector<std::string> parts = split_path(vary.param);
  if (parts[0] == "duration") {
    cell["duration"] = value;
    return 1;
  }
  if (parts[0] == "params") {
    if (parts.size() == 2) {
      cell["params"][parts[1]] = value;
    } else {
      const YAML::Node& params = cell["params"];
      if (!params[parts[1]] || !params[parts[1]].IsMap()) cell["params"][parts[1]] = YAML::Node(YAML::NodeType::Map);
      cell["params"][parts[1]][parts[2]] = value;
    }
    return 1;
  }
  std::size_t written = 0;
  const YAML::Node faults = cell["faults"];
  if (!faults.IsSequence()) return 0;
  for (std::size_t i = 0; i < faults.size(); ++i) {
    const YAML::Node item = faults[i];
    const YAML::Node random = item["random"];
    bool fixed = item[parts[0]] && item[parts[0]].IsMap();
    bool drawn = random && random.IsMap() && random["kind"] && random["kind"].Scalar() == parts[0];
    if (!fixed && !drawn) continue;
    YAML::Node target = cell["faults"][i][fixed ? parts[0] : std::string("random")];
    target[parts[1]] = value;
    ++written;
  }
  return written;
}

VaryOutline vary_outline(const StudyVary& vary) {
  VaryOutline outline{vary.param, vary.kind, vary.values, {}};
  for (const std::string& value : vary.values) {
    switch (vary.kind) {
      case VaryKind::duration: outline.xs.push_back(static_cast<double>(parse_duration(value)->ns()) / 1e9); break;
      case VaryKind::number: outline.xs.push_back(number_of(value).value_or(0.0)); break;
      case VaryKind::rate: outline.xs.push_back(parse_rate(value)->per_second()); break;
    }
  }
  return outline;
}

}  // namespace sim
