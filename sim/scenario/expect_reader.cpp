// `expect:` and `requirements:`: what a run is judged against.
#include <optional>
#include <string_view>

#include "sim/scenario/error.hpp"
#include "sim/scenario/section_readers.hpp"
#include "sim/scenario/value_text.hpp"

namespace sim {
namespace {

std::string line_column(const SourceMark& where) {
  return std::to_string(where.line) + ":" + std::to_string(where.column);
}

const MarkedString* find_name(const std::vector<MarkedString>& names, const std::string& text,
                              const MarkedString* before) {
  for (const MarkedString& name : names) {
    if (&name == before) return nullptr;
    if (name.text == text) return &name;
  }
  return nullptr;
}

void check_names(const std::vector<MarkedString>& names, const std::string& label) {
  for (const MarkedString& name : names) {
    if (name.text.empty()) throw ScenarioError(name.where, label + ": expected a check name, got \"\"");
    if (const MarkedString* earlier = find_name(names, name.text, &name))
      throw ScenarioError(name.where, label + ": '" + name.text + "' is listed twice (also at " +
                                          line_column(earlier->where) + ")");
  }
}

struct Comparison {
  std::string comparator;
  std::string threshold;
};

std::optional<Comparison> split_comparison(std::string_view text) {
  std::size_t length = 0;
  for (std::string_view op : {"<=", ">=", "<", ">"}) {
    if (text.starts_with(op)) {
      length = op.size();
      break;
    }
  }
  if (length == 0) return std::nullopt;
  std::string_view rest = text.substr(length);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);
  if (rest.empty() || rest.front() == '=' || rest.front() == '<' || rest.front() == '>') return std::nullopt;
  return Comparison{std::string(text.substr(0, length)), std::string(rest)};
}

bool is_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

// The threshold in the metric's base unit: durations in ns, rates per second, percentages as
// fractions, plain numbers as they are.
std::optional<double> threshold_value(const std::string& text, std::string& why) {
  if (text.find('/') != std::string::npos) {
    auto rate = parse_rate(text, &why);
    if (rate) return rate->per_second();
    return std::nullopt;
  }
  if (text.back() == '%') {
    auto percent = parse_real(std::string_view(text).substr(0, text.size() - 1));
    if (percent) return *percent / 100.0;
    return std::nullopt;
  }
  if (is_letter(text.back())) {
    auto duration = parse_duration(text, &why);
    if (duration) return static_cast<double>(duration->ns());
    return std::nullopt;
  }
  return parse_real(text);
}

Requirement read_requirement(const std::string& metric, const YamlValue& value, const SourceMark& metric_where) {
  constexpr std::string_view what = "a comparison such as \"< 50ms\", \">= 0.99\" or \"> 4000/s\"";
  const std::string& text = value.scalar(what);
  auto comparison = split_comparison(text);
  if (!comparison) value.expected(what, "start with <, <=, > or >=, then a threshold");
  std::string why;
  auto threshold = threshold_value(comparison->threshold, why);
  if (!threshold)
    value.expected("a threshold such as 50ms, 4000/s, 0.99 or 1000 after '" + comparison->comparator + "'", why);
  return Requirement{metric, comparison->comparator, comparison->threshold, *threshold, metric_where};
}

// `violated_in_at_least: {false_rejections: 5%}`: each check at most once, named in neither list.
std::vector<ShareExpectation> read_shares(ParamReader shares, const std::vector<MarkedString>& violated,
                                          const std::vector<MarkedString>& held) {
  std::vector<ShareExpectation> read;
  for (const std::string& check : shares.keys()) {
    SourceMark where = shares.key_where(check);
    for (const auto* list : {&violated, &held})
      if (const MarkedString* both = find_name(*list, check, nullptr))
        throw ScenarioError(where, shares.label(check) + ": '" + check + "' is also listed under " +
                                       (list == &violated ? "violated" : "held") + " (at " + line_column(both->where) +
                                       "); a check is expected in one place only");
    Ratio share = shares.ratio(check);
    if (share.num == 0)
      shares.fail(check,
                  "expected a share of seeds above 0, such as 5% or 1/4; a check that may hold in every "
                  "seed is not something the scenario shows");
    read.push_back(ShareExpectation{check, share, shares.value(check)->node.Scalar(), where});
  }
  shares.finish();
  return read;
}

}  // namespace

Expect read_expect(ParamReader section) {
  std::vector<MarkedString> violated = section.marked_strings("violated");
  std::vector<MarkedString> held = section.marked_strings("held");
  check_names(violated, section.label("violated"));
  check_names(held, section.label("held"));
  for (const MarkedString& name : held)
    if (const MarkedString* both = find_name(violated, name.text, nullptr))
      throw ScenarioError(name.where, section.label("held") + ": '" + name.text +
                                          "' is also listed under violated (at " + line_column(both->where) +
                                          "); a check is expected either to break or to hold");
  Expect expect;
  expect.violated_in_at_least = read_shares(section.section("violated_in_at_least"), violated, held);
  section.finish();
  expect.where = section.where();
  for (MarkedString& name : violated) {
    expect.violated.push_back(std::move(name.text));
    expect.violated_where.push_back(std::move(name.where));
  }
  for (MarkedString& name : held) {
    expect.held.push_back(std::move(name.text));
    expect.held_where.push_back(std::move(name.where));
  }
  return expect;
}

std::vector<Requirement> read_requirements(ParamReader section) {
  std::vector<Requirement> requirements;
  for (const std::string& metric : section.keys())
    requirements.push_back(read_requirement(metric, *section.value(metric), section.key_where(metric)));
  section.finish();
  return requirements;
}

}  // namespace sim
