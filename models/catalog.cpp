#include "models/catalog.hpp"

#include <algorithm>
#include <memory>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/loader.hpp"
#include "sim/scenario/param_reader.hpp"
#include "sim/scenario/yaml_document.hpp"
#include "sim/scenario/yaml_value.hpp"

namespace sim {
namespace {

// `path` without `prefix` ("params.ttl" -> "ttl"), or nullopt when it lies elsewhere.
std::optional<std::string> under(const std::string& path, const std::string& prefix) {
  if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  return path.substr(prefix.size());
}

bool visits(const std::vector<OptionSpec>& run, const std::string& path) {
  for (const OptionSpec& spec : run)
    if (spec.path == path && !spec.declared_only) return true;
  return false;
}

const DescribedOption* find_option(const std::vector<DescribedOption>& options, const std::string& path) {
  for (const DescribedOption& option : options)
    if (option.spec.path == path) return &option;
  return nullptr;
}

void add_all(std::vector<DescribedOption>& options, const std::vector<OptionSpec>& run,
             const std::vector<OptionDoc>& docs) {
  for (const OptionSpec& spec : run)
    if (!spec.declared_only && !find_option(options, spec.path))
      options.push_back(DescribedOption{spec, doc_text(docs, spec.path), {}});
}

const ModelDocs& no_docs() {
  static const ModelDocs docs;
  return docs;
}

// The items of `log` under `prefix`, with the prefix dropped.
std::vector<OptionSpec> specs_under(const OptionLog& log, const std::string& prefix) {
  std::vector<OptionSpec> specs;
  for (OptionSpec spec : log.specs()) {
    auto rest = under(spec.path, prefix);
    if (!rest) continue;
    spec.path = *rest;
    specs.push_back(std::move(spec));
  }
  return specs;
}

// The sample with its `at: TIME` written as `after: {...}` instead, so that the reader visits the
// trigger's fields too; "" for a sample without `at` (the random kinds).
std::string triggered(const std::string& yaml) {
  std::string::size_type at = yaml.find("at: ");
  if (yaml.rfind("{at: ", 0) != 0) return "";
  std::string::size_type comma = yaml.find(',', at);
  return "{after: {event: lock.granted, node: client-1, occurrence: 1, delay: 0s}" + yaml.substr(comma);
}

FaultCatalog catalog_fault(const FaultSample& sample) {
  auto log = std::make_shared<OptionLog>();
  FaultCatalog catalog{&sample, {}};
  for (const std::string& yaml : {sample.yaml, triggered(sample.yaml)}) {
    if (yaml.empty()) continue;
    std::string text = "name: sample\nmodel: lock\nduration: 10s\nfaults:\n  - " + yaml + "\n";
    parse_scenario(text, "fault sample '" + sample.kind + "'", log);
  }
  add_all(catalog.fields, specs_under(*log, "faults[]."), fault_field_docs());
  return catalog;
}

FaultCatalog catalog_dist(const FaultSample& sample) {
  auto log = std::make_shared<OptionLog>();
  YAML::Node node = parse_yaml_document(sample.yaml, "distribution sample '" + sample.kind + "'");
  read_duration_dist(YamlValue::of(node, "", SourceMark{}), log);
  FaultCatalog catalog{&sample, {}};
  add_all(catalog.fields, log->specs(), dist_field_docs());
  return catalog;
}

// "30s with redis; 10s with redlock, consensus" when the runs of the designs differ in the default.
std::string design_defaults(const ModelCatalog& catalog, const std::string& path) {
  std::vector<std::pair<std::string, std::vector<std::string>>> groups;  // default -> designs
  for (std::size_t i = 0; i < catalog.runs.size(); ++i) {
    for (const OptionSpec& spec : catalog.runs[i]) {
      if (spec.path != path || spec.declared_only || !spec.fallback) continue;
      auto group = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == *spec.fallback; });
      if (group == groups.end()) group = groups.insert(groups.end(), {*spec.fallback, {}});
      group->second.push_back(catalog.designs[i]);
    }
  }
  if (groups.size() < 2) return "";
  std::string text;
  for (const auto& [fallback, designs] : groups) {
    text += (text.empty() ? "" : "; ") + fallback + " with ";
    for (std::size_t i = 0; i < designs.size(); ++i) text += (i ? ", " : "") + designs[i];
  }
  return text;
}

}  // namespace

std::string doc_text(const std::vector<OptionDoc>& docs, const std::string& path) {
  for (const OptionDoc& doc : docs)
    if (doc.path == path) return doc.text;
  return "";
}

std::vector<OptionSpec> log_params(const ModelInfo& model, const std::string& params_yaml) {
  YAML::Node node = parse_yaml_document(params_yaml, model.name + " params");
  ParamReader reader(node, SourceMark{model.name + " params", 1, 1}, "params");
  auto log = std::make_shared<OptionLog>();
  reader.keep_log(log);
  model.make()->configure(reader);
  return specs_under(*log, "params.");
}

ModelCatalog catalog_model(const ModelInfo& model) {
  const ModelDocs& docs = model.docs ? model.docs() : no_docs();
  ModelCatalog catalog;
  catalog.model = &model;
  catalog.design_key = docs.design_key;
  std::vector<OptionSpec> defaults = log_params(model, "{}");
  for (const OptionSpec& spec : defaults)
    if (spec.path == docs.design_key) catalog.designs = spec.choices;
  for (const std::string& design : catalog.designs)
    catalog.runs.push_back(log_params(model, "{" + docs.design_key + ": \"" + design + "\"}"));
  add_all(catalog.params, defaults, docs.options);
  for (const std::vector<OptionSpec>& run : catalog.runs) add_all(catalog.params, run, docs.options);
  std::size_t read_without_samples = catalog.params.size();
  for (const std::string& sample : docs.samples) add_all(catalog.params, log_params(model, sample), docs.options);
  // A key only a sample visits is required only where the sample put it (hot_rate with hot_node),
  // which a plain flag cannot say, save within a list item of its own.
  for (std::size_t i = read_without_samples; i < catalog.params.size(); ++i) {
    OptionSpec& spec = catalog.params[i].spec;
    std::string parent = spec.parent();
    if (parent.size() < 2 || parent.compare(parent.size() - 2, 2, "[]") != 0) spec.required = false;
  }
  for (DescribedOption& option : catalog.params) {
    std::vector<std::string> designs;
    for (std::size_t i = 0; i < catalog.runs.size(); ++i)
      if (visits(catalog.runs[i], option.spec.path)) designs.push_back(catalog.designs[i]);
    if (!designs.empty() && designs.size() < catalog.designs.size()) option.designs = std::move(designs);
    option.design_defaults = design_defaults(catalog, option.spec.path);
  }
  return catalog;
}

ScenarioCatalog catalog_scenario() {
  ScenarioCatalog catalog;
  auto log = std::make_shared<OptionLog>();
  parse_scenario(scenario_sample(), "scenario sample", log);
  add_all(catalog.top, log->specs(), scenario_option_docs());
  for (const FaultSample& sample : fault_samples()) catalog.faults.push_back(catalog_fault(sample));
  for (const FaultSample& sample : dist_samples()) catalog.dists.push_back(catalog_dist(sample));
  return catalog;
}

}  // namespace sim
