#include "sim/scenario/yaml_value.hpp"

#include <limits>

#include "sim/scenario/error.hpp"
#include "sim/scenario/suggest.hpp"
#include "sim/scenario/value_text.hpp"

namespace sim {
namespace {

constexpr std::size_t shown_length_max = 60;

std::string quoted(const std::string& text) {
  std::string shown = "\"";
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (i == shown_length_max) {
      shown += "...";
      break;
    }
    char c = text[i];
    if (c == '\n') shown += "\\n";
    else if (c == '"') shown += "\\\"";
    else if (static_cast<unsigned char>(c) < 0x20) shown += '?';
    else shown += c;
  }
  return shown + "\"";
}

// The time parser says "unknown unit 'x' (expected ns, ...)"; inside our own parentheses that
// reads better as "unknown unit 'x'; expected ns, ...".
std::string flattened(std::string_view why) {
  std::string text(why);
  auto open = text.find(" (");
  if (open != std::string::npos && text.back() == ')') {
    text.pop_back();
    text.replace(open, 2, "; ");
  }
  return text;
}

std::string range_text(bool has_min, const std::string& min, bool has_max, const std::string& max) {
  if (has_min && has_max) return "between " + min + " and " + max;
  if (has_min) return "at least " + min;
  if (has_max) return "at most " + max;
  return "valid";
}

std::string duration_range_text(const DurationRange& range) {
  bool has_min = range.min.ns() != INT64_MIN;
  bool has_max = range.max != Duration::max();
  if (range.min == Duration::nanoseconds(1) && !has_max) return "positive";
  return range_text(has_min, to_string(range.min), has_max, to_string(range.max));
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

bool is_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text)
    if (!is_name_char(c)) return false;
  return true;
}

bool is_node_ref(std::string_view text) {
  constexpr std::string_view role_prefix = "role:";
  if (text == "*") return true;
  if (text.starts_with(role_prefix)) return is_name(text.substr(role_prefix.size()));
  return is_name(text);
}

}  // namespace

SourceMark mark_of(const YAML::Node& node, const std::string& file) {
  if (!node.IsDefined()) return SourceMark{file, 0, 0};
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourceMark{file, 0, 0};
  return SourceMark{file, mark.line + 1, mark.column + 1};
}

std::string describe(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return quoted(node.Scalar());
}

YamlValue YamlValue::of(const YAML::Node& node, std::string label, const SourceMark& fallback) {
  YAML::Node safe = node.IsDefined() ? node : YAML::Node();
  SourceMark where = mark_of(safe, fallback.file);
  if (safe.IsNull() || where.line == 0) where = fallback;
  return YamlValue{safe, std::move(label), std::move(where)};
}

YamlValue YamlValue::item(const YAML::Node& element, std::size_t index) const {
  return of(element, label + "[" + std::to_string(index) + "]", where);
}

void YamlValue::fail(const std::string& message) const { throw ScenarioError(where, label + ": " + message); }

void YamlValue::expected(std::string_view what, std::string_view why) const {
  std::string message = "expected " + std::string(what) + ", got " + describe(node);
  if (!why.empty()) message += " (" + flattened(why) + ")";
  fail(message);
}

void YamlValue::out_of_range(const std::string& range) const {
  // The value did parse, so it is shown as written, unquoted: "got 1099511627776", "got -5s".
  std::string shown = node.IsScalar() ? node.Scalar() : describe(node);
  throw ScenarioError(where, label + " must be " + range + ", got " + shown);
}

const std::string& YamlValue::scalar(std::string_view what) const {
  if (!node.IsScalar()) expected(what);
  return node.Scalar();
}

Duration read_duration(const YamlValue& value, const DurationRange& range) {
  constexpr std::string_view what = "a duration such as 250ms or 10s";
  std::string error;
  auto duration = parse_duration(value.scalar(what), &error);
  if (!duration) value.expected(what, error);
  if (*duration < range.min || *duration > range.max) value.out_of_range(duration_range_text(range));
  return *duration;
}

std::int64_t read_int64(const YamlValue& value, std::int64_t min, std::int64_t max) {
  constexpr std::string_view what = "a whole number";
  std::int64_t number = 0;
  NumberStatus status = parse_int64(value.scalar(what), number);
  if (status == NumberStatus::malformed) value.expected(what);
  // A number beyond 64 bits names both limits, even where the caller set none.
  bool overflow = status == NumberStatus::out_of_range;
  if (overflow || number < min || number > max)
    value.out_of_range(range_text(overflow || min != INT64_MIN, std::to_string(min), overflow || max != INT64_MAX,
                                  std::to_string(max)));
  return number;
}

std::uint64_t read_uint64(const YamlValue& value, std::uint64_t min, std::uint64_t max) {
  constexpr std::string_view what = "a whole number";
  std::uint64_t number = 0;
  NumberStatus status = parse_uint64(value.scalar(what), number);
  if (status == NumberStatus::malformed) value.expected(what);
  bool overflow = status == NumberStatus::out_of_range;
  if (overflow || number < min || number > max)
    value.out_of_range(range_text(true, std::to_string(min), overflow || max != UINT64_MAX, std::to_string(max)));
  return number;
}

double read_real(const YamlValue& value, double min, double max) {
  constexpr std::string_view what = "a number";
  auto number = parse_real(value.scalar(what));
  if (!number) value.expected(what);
  if (*number < min || *number > max) {
    bool has_min = min > std::numeric_limits<double>::lowest();
    bool has_max = max < std::numeric_limits<double>::max();
    value.out_of_range(range_text(has_min, format_real(min), has_max, format_real(max)));
  }
  return *number;
}

bool read_boolean(const YamlValue& value) {
  constexpr std::string_view what = "true or false";
  auto flag = parse_boolean(value.scalar(what));
  if (!flag) value.expected(what);
  return *flag;
}

std::string read_string(const YamlValue& value) { return value.scalar("a string"); }

std::string read_choice(const YamlValue& value, const std::vector<std::string_view>& allowed) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  std::string what = "one of " + join_alternatives(names);
  const std::string& text = value.scalar(what);
  for (std::string_view name : allowed)
    if (text == name) return text;
  value.fail("expected " + what + ", got " + describe(value.node) + did_you_mean(text, names));
}

Rate read_rate(const YamlValue& value) {
  constexpr std::string_view what = "a rate such as 100/min or 1/10s";
  std::string error;
  auto rate = parse_rate(value.scalar(what), &error);
  if (!rate) value.expected(what, error);
  return *rate;
}

Ratio read_ratio(const YamlValue& value) {
  constexpr std::string_view what = "a ratio such as 1/1000, 0.1% or 0.001";
  Ratio ratio;
  std::string detail;
  NumberStatus status = parse_ratio(value.scalar(what), ratio, &detail);
  if (status == NumberStatus::malformed) value.expected(what, detail);
  if (status == NumberStatus::out_of_range) value.out_of_range("between 0 and 1");
  return ratio;
}

NodeRef read_node_ref(const YamlValue& value) {
  constexpr std::string_view what = "a node name such as redis-3, a role such as role:redis, or *";
  const std::string& text = value.scalar(what);
  if (!is_node_ref(text)) value.expected(what);
  return NodeRef{text, value.where, {}};
}

std::vector<MarkedString> read_marked_strings(const YamlValue& value) {
  constexpr std::string_view what = "a list of names";
  if (value.node.IsScalar()) return {MarkedString{value.node.Scalar(), value.where}};
  if (!value.node.IsSequence()) value.expected(what);
  std::vector<MarkedString> items;
  std::size_t index = 0;
  for (const YAML::Node& node : value.node) {
    YamlValue element = value.item(node, index++);
    items.push_back(MarkedString{element.scalar("a name"), element.where});
  }
  return items;
}

std::vector<NodeRef> read_node_refs(const YamlValue& value) {
  if (value.node.IsScalar()) return {read_node_ref(value)};
  if (!value.node.IsSequence()) value.expected("a list of nodes such as [redis-1, role:client]");
  if (value.node.size() == 0) value.fail("expected at least one node, got an empty list");
  std::vector<NodeRef> refs;
  std::size_t index = 0;
  for (const YAML::Node& node : value.node) refs.push_back(read_node_ref(value.item(node, index++)));
  return refs;
}

}  // namespace sim
