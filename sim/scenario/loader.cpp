#include "sim/scenario/loader.hpp"

#include <cerrno>
#include <cstdio>
#include <filesystem>
#include <optional>
#include <memory>
#include <system_error>
#include <vector>

#include "sim/scenario/param_reader.hpp"
#include "sim/scenario/section_readers.hpp"
#include "sim/scenario/yaml_document.hpp"

namespace sim {
namespace {
namespace fs = std::filesystem;

constexpr Duration run_length_max = Duration::seconds(30 * 24 * 3600);  // 30 days
/// A scenario is a page of YAML; anything this large is the wrong file (or /dev/zero), and
/// would cost seconds and a gigabyte to parse before being refused.
constexpr std::size_t file_size_max = 1u << 20;
/// Fixed faults a scenario may list; random: faults draw many from one entry.
constexpr std::size_t fault_count_max = 1000;

// What kind of thing `path` is, when it is not a file a scenario can be read from: a named pipe
// would block the open for ever, and a dangling link reads as a missing file.
std::optional<std::string> not_a_file(const std::string& path) {
  std::error_code ec;
  fs::file_status link = fs::symlink_status(path, ec);
  if (ec) return std::nullopt;  // the open reports it, with the system's reason
  fs::file_status target = fs::status(path, ec);
  if (fs::is_symlink(link) && ec == std::errc::no_such_file_or_directory) {
    std::error_code read_ec;
    return "a symbolic link to '" + fs::read_symlink(path, read_ec).string() + "', which does not exist";
  }
  if (ec) return std::nullopt;
  switch (target.type()) {
    case fs::file_type::regular: return std::nullopt;
    case fs::file_type::directory: return std::string("a folder");
    case fs::file_type::fifo: return std::string("a named pipe");
    case fs::file_type::socket: return std::string("a socket");
    case fs::file_type::character:
    case fs::file_type::block: return std::string("a device");
    default: return std::string("not a regular file");
  }
}

std::string system_reason(int error) { return std::error_code(error, std::generic_category()).message(); }

}  // namespace

std::string read_scenario_file(const std::string& path) {
  SourceMark file_only{path, 0, 0};
  if (std::optional<std::string> kind = not_a_file(path))
    throw ScenarioError(file_only, "not a scenario file: " + *kind);
  errno = 0;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw ScenarioError(file_only, "cannot open scenario file (" + system_reason(errno) + ")");
  std::string text;
  char buffer[1 << 14];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, file.get())) > 0) {
    text.append(buffer, count);
    if (text.size() > file_size_max) throw ScenarioError(file_only, "not a scenario file: larger than 1 MiB");
  }
  if (std::ferror(file.get()))
    throw ScenarioError(file_only, "cannot read scenario file (" + system_reason(errno) + ")");
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

Scenario read_scenario(const YAML::Node& root, const std::string& file, std::shared_ptr<OptionLog> log) {
  ParamReader top(root, mark_of(root, file), "");
  if (log) top.keep_log(std::move(log));
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
  if (const YAML::Node list = root["faults"]; list && list.IsSequence() && list.size() > fault_count_max)
    throw ScenarioError(mark_of(list, file), "faults: expected at most " + std::to_string(fault_count_max) +
                                                 " faults, got " + std::to_string(list.size()) +
                                                 " (a random: fault draws many from one entry)");
  read_faults(top.section_list("faults"), scenario.duration, scenario.faults, scenario.random_faults);
  scenario.expect = read_expect(top.section("expect"));
  scenario.requirements = read_requirements(top.section("requirements"));
  top.finish();
  return scenario;
}

}  // namespace

Scenario load_scenario(const std::string& path) { return parse_scenario(read_scenario_file(path), path); }

Scenario parse_scenario(const std::string& text, const std::string& file_label, std::shared_ptr<OptionLog> log) {
  YAML::Node root = parse_yaml_document(text, file_label);
  return read_yaml_document(root, file_label,
                            [&](const YAML::Node& node) { return read_scenario(node, file_label, log); });
}

}  // namespace sim
