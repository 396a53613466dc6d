// designsim describe MODEL | faults | checks MODEL, and designsim schema: what a scenario may
// hold, from the option catalog (models/catalog.hpp), as text or as JSON.
#include <cstdio>

#include "sim/cli/command_line.hpp"
#include "sim/cli/schema.hpp"

namespace sim::cli {
namespace {

Json option_json(const DescribedOption& option) {
  const OptionSpec& spec = option.spec;
  Json item = {{"key", spec.path}, {"type", to_string(spec.type)}, {"required", spec.required}};
  if (spec.fallback) item["default"] = *spec.fallback;
  if (!option.design_defaults.empty()) item["default_by_design"] = option.design_defaults;
  if (!spec.minimum.empty()) item["minimum"] = spec.minimum;
  if (!spec.maximum.empty()) item["maximum"] = spec.maximum;
  if (!spec.choices.empty()) item["allowed"] = spec.choices;
  if (!option.designs.empty()) item["only_with"] = option.designs;
  item["description"] = option.text;
  return item;
}

void print_option(const DescribedOption& option, const std::string& prefix) {
  const OptionSpec& spec = option.spec;
  std::string line = "  " + prefix + spec.path + "  (" + to_string(spec.type) + ")";
  if (spec.required) line += "  required";
  if (!option.design_defaults.empty()) line += "  default " + option.design_defaults;
  else if (spec.fallback && !spec.fallback->empty()) line += "  default " + *spec.fallback;
  if (!spec.minimum.empty() || !spec.maximum.empty())
    line += "  range [" + (spec.minimum.empty() ? "-" : spec.minimum) + ", " +
            (spec.maximum.empty() ? "-" : spec.maximum) + "]";
  if (!spec.choices.empty()) line += "  one of " + fmt::format("{}", fmt::join(spec.choices, " | "));
  if (!option.designs.empty()) line += "  (only with " + fmt::format("{}", fmt::join(option.designs, ", ")) + ")";
  std::printf("%s\n      %s\n", line.c_str(), option.text.c_str());
}

const ModelInfo& model_named(const std::string& name) {
  if (const ModelInfo* model = find_model(name)) return *model;
  std::vector<std::string> names;
  for (const ModelInfo& model : model_registry()) names.push_back(model.name);
  throw UsageError(fmt::format("designsim describe: unknown model '{}' (models: {})", name, fmt::join(names, ", ")));
}

int describe_model(const std::string& name, bool json) {
  ModelCatalog catalog = catalog_model(model_named(name));
  ScenarioCatalog scenario = catalog_scenario();
  if (json) {
    Json out = {{"model", name}, {"design_key", catalog.design_key}, {"params", Json::array()}};
    for (const DescribedOption& option : catalog.params) out["params"].push_back(option_json(option));
    out["scenario"] = Json::array();
    for (const DescribedOption& option : scenario.top) out["scenario"].push_back(option_json(option));
    std::printf("%s\n", out.dump(2).c_str());
    return all_held;
  }
  std::printf("%s: %s\n\nparams: (design key: %s)\n", name.c_str(), catalog.model->summary.c_str(),
              catalog.design_key.c_str());
  for (const DescribedOption& option : catalog.params) print_option(option, "");
  std::printf("\nthe scenario's own keys:\n");
  for (const DescribedOption& option : scenario.top) print_option(option, "");
  std::printf("\nfaults: designsim describe faults; checks: designsim describe checks %s\n", name.c_str());
  return all_held;
}

int describe_faults(bool json) {
  ScenarioCatalog scenario = catalog_scenario();
  Json out = Json::array();
  for (const FaultCatalog& fault : scenario.faults) {
    if (json) {
      Json item = {{"kind", fault.sample->kind}, {"description", fault.sample->meaning},
                   {"example", fault.sample->yaml}, {"fields", Json::array()}};
      for (const DescribedOption& field : fault.fields) item["fields"].push_back(option_json(field));
      out.push_back(item);
      continue;
    }
    std::printf("%s: %s\n  example: - %s\n", fault.sample->kind.c_str(), fault.sample->meaning.c_str(),
                fault.sample->yaml.c_str());
    for (const DescribedOption& field : fault.fields) print_option(field, "");
    std::printf("\n");
  }
  if (!json) std::printf("durations may also be distributions:\n");
  for (const FaultCatalog& dist : scenario.dists) {
    if (json) continue;
    std::printf("  %s: %s, as %s\n", dist.sample->kind.c_str(), dist.sample->meaning.c_str(),
                dist.sample->yaml.c_str());
  }
  if (json) std::printf("%s\n", out.dump(2).c_str());
  return all_held;
}

int describe_checks(const std::string& name, bool json) {
  const ModelInfo& model = model_named(name);
  Json out = Json::array();
  for (const std::string& check : model.make()->check_names()) {
    CheckDoc doc{check, "", ""};
    if (model.docs)
      for (const CheckDoc& known : model.docs().checks)
        if (known.name == check) doc = known;
    if (json)
      out.push_back({{"name", doc.name}, {"meaning", doc.meaning}, {"severity", doc.severity}});
    else
      std::printf("%s\n  %s\n  severity: %s\n", doc.name.c_str(), doc.meaning.c_str(), doc.severity.c_str());
  }
  if (json) std::printf("%s\n", out.dump(2).c_str());
  return all_held;
}

}  // namespace

int describe_command(const Args& args) {
  return guarded("describe", [&] {
    po::options_description options("options");
    options.add_options()("json", "print the same as JSON");
    options.add_options()("what", po::value<std::vector<std::string>>(), "MODEL, faults, or checks MODEL");
    po::positional_options_description positional;
    positional.add("what", -1);
    Parsed parsed = parse("describe", args, options, positional);
    if (parsed.help) {
      print_help("designsim describe MODEL | faults | checks MODEL [--json]",
                 "Every parameter of a model (key, type, default, range or allowed values, meaning), every fault "
                 "kind and its fields, or a model's checks.",
                 options);
      return all_held;
    }
    std::vector<std::string> what;
    if (parsed.vars.count("what")) what = parsed.vars["what"].as<std::vector<std::string>>();
    bool json = parsed.vars.count("json") > 0;
    if (what.size() == 1 && what[0] == "faults") return describe_faults(json);
    if (what.size() == 2 && what[0] == "checks") return describe_checks(what[1], json);
    if (what.size() == 1 && what[0] != "checks") return describe_model(what[0], json);
    throw UsageError("designsim describe: expected MODEL, faults, or checks MODEL (designsim describe --help)");
  });
}

int schema_command(const Args& args) {
  return guarded("schema", [&] {
    po::options_description options("options");
    po::positional_options_description positional;
    Parsed parsed = parse("schema", args, options, positional);
    if (parsed.help) {
      print_help(
          "designsim schema",
          "Prints the JSON Schema (draft 2020-12) of scenario and study files, as kept in scenarios/schema.json.",
          options);
      return all_held;
    }
    std::printf("%s\n", scenario_schema().dump(2).c_str());
    return all_held;
  });
}

}  // namespace sim::cli
