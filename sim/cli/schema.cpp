#include "sim/cli/schema.hpp"

#include <cstdint>
#include <optional>

#include "sim/scenario/value_text.hpp"

namespace sim::cli {
namespace {

constexpr const char* unit_alternatives = "(ns|us|ms|s|m|min|h|d)";
constexpr const char* number_text = "([0-9]+(\\.[0-9]*)?|\\.[0-9]+)";

std::string duration_pattern(bool signed_) {
  return std::string("^") + (signed_ ? "[+-]?" : "[+]?") + number_text + " ?" + unit_alternatives + "$";
}

Json duration_schema(const OptionSpec& spec) {
  bool signed_ = spec.minimum.empty() || spec.minimum.front() == '-';
  Json text = {{"type", "string"}, {"pattern", duration_pattern(signed_)}};
  if (spec.positive) {
    text["not"] = {{"pattern", std::string("^[+]?(0+(\\.0*)?|\\.0+) ?") + unit_alternatives + "$"}};
    return text;
  }
  return {{"anyOf", Json::array({text, {{"const", 0}}})}};
}

Json integer_schema(const OptionSpec& spec) {
  Json schema = {{"type", "integer"}};
  std::int64_t signed_value = 0;
  std::uint64_t unsigned_value = 0;
  if (parse_int64(spec.minimum, signed_value) == NumberStatus::ok) schema["minimum"] = signed_value;
  if (parse_int64(spec.maximum, signed_value) == NumberStatus::ok) schema["maximum"] = signed_value;
  else if (parse_uint64(spec.maximum, unsigned_value) == NumberStatus::ok) schema["maximum"] = unsigned_value;
  return schema;
}

Json real_schema(const OptionSpec& spec) {
  Json schema = {{"type", "number"}};
  if (auto min = parse_real(spec.minimum)) schema["minimum"] = *min;
  if (auto max = parse_real(spec.maximum)) schema["maximum"] = *max;
  return schema;
}

Json choice_schema(const OptionSpec& spec) {
  Json values = Json::array();
  for (const std::string& choice : spec.choices) values.push_back(choice);
  // "7.0" written bare is a number to YAML, and the loader reads it as the same text.
  for (const std::string& choice : spec.choices)
    if (auto number = parse_real(choice)) values.push_back(*number);
  return {{"enum", values}};
}

Json boolean_schema() {
  Json words = Json::array();
  for (const char* word : {"true", "false", "yes", "no", "on", "off", "True", "False", "Yes", "No", "On", "Off",
                           "TRUE", "FALSE", "YES", "NO", "ON", "OFF"})
    words.push_back(word);
  return {{"anyOf", Json::array({{{"type", "boolean"}}, {{"enum", words}}})}};
}

Json names_schema(bool non_empty) {
  Json list = {{"type", "array"}, {"items", {{"type", "string"}}}};
  if (non_empty) list["minItems"] = 1;
  return {{"anyOf", Json::array({{{"type", "string"}}, list})}};
}

Json rate_schema() {
  std::string per = std::string("(") + number_text + " ?" + unit_alternatives + "|" + unit_alternatives + "|sec)";
  return {{"type", "string"}, {"pattern", "^[0-9]+/" + per + "$"}};
}

Json ratio_schema() {
  Json text = {{"type", "string"},
               {"pattern", "^([0-9]+/[0-9]+|(100(\\.0*)?|[0-9]{1,2}(\\.[0-9]*)?|\\.[0-9]+)%|0*\\.[0-9]+|0|1)$"}};
  return {{"anyOf", Json::array({{{"type", "number"}, {"minimum", 0}, {"maximum", 1}}, text})}};
}

}  // namespace

Json value_schema(const OptionSpec& spec) {
  switch (spec.type) {
    case OptionType::duration: return duration_schema(spec);
    case OptionType::integer: return integer_schema(spec);
    case OptionType::real: return real_schema(spec);
    case OptionType::boolean: return boolean_schema();
    case OptionType::string: return {{"type", "string"}};
    case OptionType::choice: return choice_schema(spec);
    case OptionType::rate: return rate_schema();
    case OptionType::ratio: return ratio_schema();
    case OptionType::duration_dist: return {{"$ref", "#/$defs/duration_dist"}};
    case OptionType::string_list: return names_schema(false);
    case OptionType::node_ref: return {{"type", "string"}};
    case OptionType::node_refs: return names_schema(true);
    case OptionType::duration_map: {
      OptionSpec each = spec;
      each.type = OptionType::duration;
      return {{"type", "object"}, {"additionalProperties", duration_schema(each)}};
    }
    case OptionType::section: return {{"type", "object"}};
    case OptionType::section_list: return {{"type", "array"}};
    case OptionType::value: return Json::object();
  }
  return Json::object();
}

std::string hover_text(const DescribedOption& option) {
  const OptionSpec& spec = option.spec;
  std::string text = option.text;
  if (!option.design_defaults.empty()) text += " (default: " + option.design_defaults + ")";
  else if (spec.fallback && !spec.fallback->empty()) text += " (default: " + *spec.fallback + ")";
  if (!spec.minimum.empty() || !spec.maximum.empty())
    text += " [" + (spec.minimum.empty() ? std::string("...") : spec.minimum) + ", " +
            (spec.maximum.empty() ? std::string("...") : spec.maximum) + "]";
  if (!option.designs.empty()) {
    text += " (only with";
    for (const std::string& design : option.designs) text += " " + design;
    text += ")";
  }
  return text;
}

}  // namespace sim::cli
