// scenario_schema(): the scenario and study files as one JSON Schema, a branch per model.
#include <algorithm>

#include "sim/cli/schema.hpp"
#include "sim/scenario/loader.hpp"

namespace sim::cli {
namespace {

constexpr std::size_t fault_count_max = 1000;  // as the loader's bound

Json comparison_map() {
  Json comparison = {{"type", "string"},
                     {"pattern", "^(<=|>=|<|>) *[^<>= ].*$"},
                     {"description", "a comparison such as \"< 50ms\", \">= 0.99\" or \"> 4000/s\""}};
  return {{"type", "object"}, {"additionalProperties", comparison}};
}

// The mapping whose keys sit directly under `parent` ("" for the top level).
Json object_schema(const std::vector<DescribedOption>& options, const std::string& parent) {
  Json properties = Json::object();
  Json required = Json::array();
  for (const DescribedOption& option : options) {
    if (option.spec.parent() != parent) continue;
    const std::string& path = option.spec.path;
    Json schema;
    if (option.spec.type == OptionType::section)
      schema = object_schema(options, path);
    else if (option.spec.type == OptionType::section_list)
      schema = {{"type", "array"}, {"items", object_schema(options, path + "[]")}};
    else
      schema = value_schema(option.spec);
    schema["description"] = hover_text(option);
    properties[option.spec.key()] = schema;
    if (option.spec.required) required.push_back(option.spec.key());
  }
  Json object = {{"type", "object"}, {"properties", properties}, {"additionalProperties", false}};
  if (!required.empty()) object["required"] = required;
  return object;
}

// The condition "KEY is VALUE", which for the default value also holds when KEY is absent.
Json design_is(const ModelCatalog& catalog, const std::string& design) {
  Json written = {{"required", Json::array({catalog.design_key})},
                  {"properties", {{catalog.design_key, {{"const", design}}}}}};
  for (const DescribedOption& option : catalog.params)
    if (option.spec.path == catalog.design_key && option.spec.fallback == design)
      return {{"anyOf", Json::array({written, {{"not", {{"required", Json::array({catalog.design_key})}}}}})}};
  return written;
}

// params: every key of every design, and for each design the keys it never reads forbidden.
Json params_schema(const ModelCatalog& catalog) {
  Json schema = object_schema(catalog.params, "");
  Json rules = Json::array();
  for (const std::string& design : catalog.designs) {
    Json forbidden = Json::object();
    for (const DescribedOption& option : catalog.params)
      if (option.spec.parent().empty() && !option.designs.empty() &&
          std::find(option.designs.begin(), option.designs.end(), design) == option.designs.end())
        forbidden[option.spec.key()] = false;
    if (forbidden.empty()) continue;
    rules.push_back({{"if", design_is(catalog, design)}, {"then", {{"properties", forbidden}}}});
  }
  if (!rules.empty()) schema["allOf"] = rules;
  return schema;
}

Json fault_branch(const FaultCatalog& fault) {
  std::string kind = fault.sample->kind;
  bool random = kind.rfind("random ", 0) == 0;
  std::string key = random ? "random" : kind;
  Json branch = object_schema(fault.fields, "");
  branch["description"] = fault.sample->meaning;
  if (kind == "heal")
    branch["properties"]["heal"] = {
        {"anyOf", Json::array({{{"type", "object"}, {"maxProperties", 0}}, {{"const", true}}, {{"type", "null"}}})},
        {"description", fault.sample->meaning}};
  if (random) branch["properties"]["random"]["properties"]["kind"] = {{"const", kind.substr(7)}};
  branch["required"] = Json::array({key});
  // A fixed fault happens at a time or after an event: exactly one of the two. The reader checks
  // the event's form and the delay's sign itself, past what it records.
  if (branch["properties"].contains("after")) {
    Json& after = branch["properties"]["after"]["properties"];
    after["event"]["pattern"] = "^[a-z0-9_]+(\\.[a-z0-9_]+)+$";
    Json delay = value_schema(OptionSpec{.type = OptionType::duration, .minimum = "0s"});
    delay["description"] = after["delay"]["description"];
    after["delay"] = delay;
  }
  if (!random) {
    branch["oneOf"] = Json::array({{{"required", Json::array({"at"})}}, {{"required", Json::array({"after"})}}});
    // `at` is a time, or a distribution a time is drawn from for each run.
    if (branch["properties"].contains("at")) {
      Json& at = branch["properties"]["at"];
      at = {{"anyOf", Json::array({at, {{"$ref", "#/$defs/duration_dist"}}})}, {"description", at["description"]}};
    }
  }
  return branch;
}

Json dist_schema(const ScenarioCatalog& catalog) {
  OptionSpec constant{.type = OptionType::duration, .minimum = "0s"};
  Json branches = Json::array({value_schema(constant)});
  for (const FaultCatalog& dist : catalog.dists) {
    Json branch = object_schema(dist.fields, "");
    branch["properties"]["dist"] = {{"const", dist.sample->kind}, {"description", dist.sample->meaning}};
    branches.push_back(branch);
  }
  return {{"anyOf", branches}, {"description", "a duration such as 2ms, or {dist: KIND, ...}"}};
}

// A study's vary: one parameter over a list of values or a range, both ends included.
Json vary_schema() {
  Json value = {{"anyOf", Json::array({{{"type", "string"}}, {{"type", "number"}}})}};
  Json properties = {
      {"param",
       {{"type", "string"},
        {"description", "duration, params.KEY, params.SECTION.KEY or KIND.FIELD of every fault of that kind "
                        "(pause.duration)"}}},
      {"values", {{"type", "array"}, {"minItems", 1}, {"items", value}, {"description", "the values, one kind"}}},
      {"from", value},
      {"to", value},
      {"steps", {{"type", "integer"}, {"minimum", 2}, {"maximum", 1000}, {"description", "values from..to"}}},
  };
  return {{"type", "object"},
          {"description", "vary one parameter: each value crosses every column; the report draws each check's "
                          "rate against it"},
          {"properties", properties},
          {"required", Json::array({"param"})},
          {"additionalProperties", false}};
}

Json study_schema(const Json& scenario) {
  Json fields = scenario["properties"];
  fields.erase("name");
  fields["params"] = {{"type", "object"}, {"description", "the params every cell shares"}};
  Json entry = {{"type", "object"},
                {"properties", {{"label", {{"type", "string"}}}, {"params", {{"type", "object"}}}}},
                {"required", Json::array({"label"})},
                {"additionalProperties", false}};
  Json fault_class = {
      {"type", "object"},
      {"properties",
       {{"label", {{"type", "string"}}},
        {"faults", scenario["properties"]["faults"]},
        {"params", {{"type", "object"}, {"description", "params laid over the row's and column's in this class"}}},
        {"duration", scenario["properties"]["duration"]},
        {"rows",
         {{"type", "array"},
          {"items", {{"type", "string"}}},
          {"description",
           "the row labels the class applies to (absent: all); the others' cells "
           "run without its faults and params"}}}}},
      {"required", Json::array({"label"})},
      {"additionalProperties", false}};
  Json properties = {
      {"name", {{"type", "string"}}},
      {"description", {{"type", "string"}}},
      {"seeds", {{"type", "integer"}, {"minimum", 1}, {"maximum", 1000000}}},
      {"checks",
       {{"anyOf", Json::array({{{"type", "string"}}, {{"type", "array"}, {"items", {{"type", "string"}}}}})}}},
      {"latency", {{"type", "string"}}},
      {"rows_title", {{"type", "string"}, {"description", "what the rows are, heading the tables (default: design)"}}},
      {"columns_title",
       {{"type", "string"}, {"description", "what the columns are, heading the tables (default: storage)"}}},
      {"scenario", {{"type", "object"}, {"properties", fields}, {"additionalProperties", false}}},
      {"rows", {{"type", "array"}, {"minItems", 1}, {"items", entry}}},
      {"columns", {{"type", "array"}, {"minItems", 1}, {"items", entry}}},
      {"faults", {{"type", "array"}, {"minItems", 1}, {"items", fault_class}}},
      {"vary", vary_schema()},
  };
  return {{"type", "object"},
          {"properties", properties},
          {"required", Json::array({"name", "checks", "scenario", "rows", "columns", "faults"})},
          {"additionalProperties", false}};
}

}  // namespace

Json scenario_schema() {
  ScenarioCatalog scenario = catalog_scenario();
  Json defs = Json::object();
  Json faults = Json::array();
  for (const FaultCatalog& fault : scenario.faults) faults.push_back(fault_branch(fault));
  defs["fault"] = {{"oneOf", faults}};
  defs["duration_dist"] = dist_schema(scenario);
  Json top = object_schema(scenario.top, "");
  top["properties"]["faults"] = {{"type", "array"},
                                 {"maxItems", fault_count_max},
                                 {"items", {{"$ref", "#/$defs/fault"}}},
                                 {"description", top["properties"]["faults"]["description"]}};
  top["properties"]["requirements"] = comparison_map();
  // Any check's name, each with the least share of seeds it breaks in.
  Json& shares = top["properties"]["expect"]["properties"]["violated_in_at_least"];
  shares["additionalProperties"] = value_schema(OptionSpec{.type = OptionType::ratio});
  Json models = Json::array();
  Json branches = Json::array();
  for (const ModelInfo& model : model_registry()) {
    models.push_back(model.name);
    ModelCatalog catalog = catalog_model(model);
    defs["params_" + model.name] = params_schema(catalog);
    branches.push_back({{"if", {{"properties", {{"model", {{"const", model.name}}}}}, {"required", {"model"}}}},
                        {"then", {{"properties", {{"params", {{"$ref", "#/$defs/params_" + model.name}}}}}}}});
  }
  top["properties"]["model"]["enum"] = models;
  top["allOf"] = branches;
  defs["scenario"] = top;
  defs["study"] = study_schema(top);
  return {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
          {"title", "designsim scenario or study"},
          {"description", "Generated by `designsim schema`; do not edit by hand."},
          {"if", {{"required", Json::array({"scenario"})}}},
          {"then", {{"$ref", "#/$defs/study"}}},
          {"else", {{"$ref", "#/$defs/scenario"}}},
          {"$defs", defs}};
}

}  // namespace sim::cli
