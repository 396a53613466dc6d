#include "sim/scenario/loader.hpp"

#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>
#include <vector>

#include "sim/scenario/param_reader.hpp"
#include "sim/scenario/section_readers.hpp"
#include "sim/scenario/yaml_document.hpp"

namespace sim {
namespace {

constexpr Duration run_length_max = Duration::seconds(24 * 3600);
/// A scenario is a page of YAML; anything this large is the wrong file (or /dev/zero).
constexpr std::size_t file_size_max = 16u << 20;

std::string system_reason(int error) { return std::error_code(error, std::generic_category()).message(); }

}  // namespace

std::string read_scenario_file(const std::string& path) {
  SourceMark file_only{path, 0, 0};
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw ScenarioError(file_only, "cannot open scenario file (" + system_reason(errno) + ")");
  std::string text;
  char buffer[1 << 14];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, count);
    if (text.size() > file_size_max) throw ScenarioError(file_only, "not a scenario file: larger than 16 MiB");
  }
  if (std::ferror(file.get())) throw ScenarioError(file_only, "cannot read scenario file (" + system_reason(errno) + ")");
  return text;
}

namespace {

std::string read_name(ParamReader& top, std::string_view key) {
  YamlValue value = top.required(key);
  std::string name = read_string(value);
  if (name.empty()) value.expected("a name");
  return name;
}

void read_params(ParamReader& top, Scenario& scenario) {
  auto params = top.value("params");
  scenario.params = YAML::Node(YAML::NodeType::Map);
  scenario.params_where = top.key_where("params");
  if (!params) return;
  if (!params->node.IsMap() && !params->node.IsNull()) params->expected("a mapping of the model's parameters");
  if (params->node.IsMap()) scenario.params = params->node;
  scenario.params_where = params->where;
}

Scenario read_scenario(const YAML::Node& root, const std::string& file) {
  ParamReader top(root, mark_of(root, file), "");
  Scenario scenario;
  scenario.file = file;
  scenario.name = read_name(top, "name");
  scenario.description = top.string("description", "");
  scenario.model = read_name(top, "model");
  scenario.model_where = top.value("model")->where;
  scenario.seed = top.integer<std::uint64_t>("seed", 1, 0, UINT64_MAX);
  scenario.duration = top.duration("duration", scenario.duration, {Duration::nanoseconds(1), run_length_max});
  read_params(top, scenario);
  scenario.network = read_network(top.section("network"), scenario.link_nodes);
  read_faults(top.section_list("faults"), scenario.duration, scenario.faults, scenario.random_faults);
  scenario.expect = read_expect(top.section("expect"));
  scenario.requirements = read_requirements(top.section("requirements"));
  top.finish();
  return scenario;
}

}  // namespace

Scenario load_scenario(const std::string& path) { return parse_scenario(read_scenario_file(path), path); }

Scenario parse_scenario(const std::string& text, const std::string& file_label) {
  YAML::Node root = parse_yaml_document(text, file_label);
  return read_yaml_document(root, file_label, [&](const YAML::Node& node) { return read_scenario(node, file_label); });
}

}  // namespace sim
