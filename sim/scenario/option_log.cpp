#include "sim/scenario/option_log.hpp"

#include "sim/scenario/value_text.hpp"

namespace sim {

const char* to_string(OptionType type) {
  switch (type) {
    case OptionType::duration: return "duration";
    case OptionType::integer: return "integer";
    case OptionType::real: return "number";
    case OptionType::boolean: return "boolean";
    case OptionType::string: return "string";
    case OptionType::choice: return "choice";
    case OptionType::rate: return "rate";
    case OptionType::ratio: return "ratio";
    case OptionType::duration_dist: return "duration or distribution";
    case OptionType::string_list: return "list of names";
    case OptionType::node_ref: return "node";
    case OptionType::node_refs: return "list of nodes";
    case OptionType::duration_map: return "mapping of names to durations";
    case OptionType::section: return "section";
    case OptionType::section_list: return "list of sections";
    case OptionType::value: return "value";
  }
  return "?";
}

std::string OptionSpec::key() const {
  std::size_t dot = path.rfind('.');
  return dot == std::string::npos ? path : path.substr(dot + 1);
}

std::string OptionSpec::parent() const {
  std::size_t dot = path.rfind('.');
  return dot == std::string::npos ? std::string() : path.substr(0, dot);
}

void OptionLog::add(OptionSpec spec) {
  for (OptionSpec& known : specs_) {
    if (known.path != spec.path) continue;
    if (spec.declared_only) return;
    if (known.declared_only) {
      known = std::move(spec);
      return;
    }
    // has() declares a key as a value; a typed accessor then says what it is.
    if (known.type == OptionType::value && spec.type != OptionType::value) {
      known.type = spec.type;
      known.choices = spec.choices;
    }
    if (!known.fallback) known.fallback = spec.fallback;
    if (known.minimum.empty()) known.minimum = spec.minimum;
    if (known.maximum.empty()) known.maximum = spec.maximum;
    known.positive = known.positive || spec.positive;
    known.required = known.required || spec.required;
    return;
  }
  specs_.push_back(std::move(spec));
}

const OptionSpec* OptionLog::find(const std::string& path) const {
  for (const OptionSpec& spec : specs_)
    if (spec.path == path) return &spec;
  return nullptr;
}

std::string yaml_text(const Ratio& ratio) {
  if (ratio.num == 0) return "0";
  if (ratio.num == ratio.den) return "1";
  return std::to_string(ratio.num) + "/" + std::to_string(ratio.den);
}

std::string yaml_text(const DurationDist& dist) {
  using Kind = DurationDist::Kind;
  switch (dist.kind) {
    case Kind::constant: return to_string(dist.a);
    case Kind::uniform: return "{dist: uniform, min: " + to_string(dist.a) + ", max: " + to_string(dist.b) + "}";
    case Kind::exponential: return "{dist: exponential, mean: " + to_string(dist.a) + "}";
    case Kind::normal: return "{dist: normal, mean: " + to_string(dist.a) + ", stddev: " + to_string(dist.b) + "}";
    case Kind::lognormal:
      return "{dist: lognormal, median: " + to_string(dist.a) + ", p99: " + to_string(dist.b) + "}";
    case Kind::pareto: return "{dist: pareto, min: " + to_string(dist.a) + ", shape: " + format_real(dist.shape) + "}";
  }
  return to_string(dist.kind);
}

std::string yaml_text(const std::vector<std::string>& names) {
  std::string text = "[";
  for (const std::string& name : names) text += (text.size() > 1 ? ", " : "") + name;
  return text + "]";
}

std::string without_indices(const std::string& label) {
  std::string out;
  bool in_index = false;
  for (char c : label) {
    if (c == '[') {
      in_index = true;
      out += "[]";
    } else if (c == ']') {
      in_index = false;
    } else if (!in_index) {
      out += c;
    }
  }
  return out;
}

}  // namespace sim
