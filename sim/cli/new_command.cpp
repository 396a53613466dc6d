// designsim new MODEL [--design D]: a complete starting scenario with every key the model reads
// under that design written out at its default, each under its description. A key whose default
// the model refuses as written (one that applies only with another option) is left as a comment
// with the reason the loader gave, so the scenario `check` accepts as it stands.
#include <algorithm>
#include <cstdio>
#include <iterator>

#include "sim/cli/command_line.hpp"
#include "sim/cli/schema.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/loader.hpp"
#include "sim/scenario/value_text.hpp"

namespace sim::cli {
namespace {

constexpr int attempts_max = 100;

struct Entry {
  std::string path;
  int depth = 0;
  std::string value;    // empty for a section
  std::string comment;  // the description
  bool disabled = false;
  std::string reason;
};

struct Draft {
  std::string head;
  std::vector<Entry> entries;
  std::string tail;
  std::vector<int> line_entry;  // per rendered line, the entry it shows, or -1
};

bool within(const std::string& path, const std::string& section) {
  return path.size() > section.size() && path.compare(0, section.size() + 1, section + ".") == 0;
}

/// Whether YAML 1.1 reads `text`, written bare, as a boolean.
bool yaml_boolean(const std::string& text) {
  static const char* const words[] = {"y",    "Y",    "yes",   "Yes",   "YES",   "n",  "N",  "no", "No",  "NO",  "true",
                                      "True", "TRUE", "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF"};
  return std::find(std::begin(words), std::end(words), text) != std::end(words);
}

void add_entries(Draft& draft, const ModelCatalog& catalog, const std::vector<OptionSpec>& run,
                 const std::string& parent, int depth) {
  for (const DescribedOption& option : catalog.params) {
    const OptionSpec* read = nullptr;
    for (const OptionSpec& spec : run)
      if (spec.path == option.spec.path && !spec.declared_only) read = &spec;
    if (!read || read->parent() != parent) continue;
    Entry entry{read->path, depth, read->fallback.value_or(""), option.text, false, ""};
    if (read->type == OptionType::section) {
      draft.entries.push_back(entry);
      add_entries(draft, catalog, run, read->path, depth + 1);
      continue;
    }
    // "7.0" written bare is a number to YAML, and on, off, yes, no a boolean (YAML 1.1, as the
    // schema's validator reads it); the quotes keep it the text the choice names.
    if (read->type == OptionType::choice && (parse_real(entry.value) || yaml_boolean(entry.value)))
      entry.value = "\"" + entry.value + "\"";
    if (read->type == OptionType::section_list) entry.value = "[]";
    if (read->type == OptionType::duration_map) entry.value = "{}";
    if (entry.value.empty() && read->fallback) entry.value = "\"\"";
    if (entry.value.empty()) {
      entry.disabled = true;
      entry.reason = std::string("no default: ") + to_string(read->type);
    }
    draft.entries.push_back(entry);
  }
}

std::string render(Draft& draft) {
  std::string text = draft.head;
  draft.line_entry.assign(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')), -1);
  std::vector<bool> off(draft.entries.size(), false);
  for (std::size_t i = 0; i < draft.entries.size(); ++i) {
    const Entry& entry = draft.entries[i];
    for (std::size_t j = 0; j < i; ++j)
      if (off[j] && within(entry.path, draft.entries[j].path)) off[i] = true;
    off[i] = off[i] || entry.disabled;
    std::string indent(static_cast<std::size_t>(2 + 2 * entry.depth), ' ');
    std::string key = entry.path.substr(entry.path.rfind('.') == std::string::npos ? 0 : entry.path.rfind('.') + 1);
    text += indent + "# " + entry.comment + "\n";
    draft.line_entry.push_back(-1);
    std::string line = key + ":" + (entry.value.empty() ? "" : " " + entry.value);
    if (off[i]) line = "# " + line + (entry.reason.empty() ? "" : "  # " + entry.reason);
    text += indent + line + "\n";
    draft.line_entry.push_back(static_cast<int>(i));
  }
  return text + draft.tail;
}

std::string head_of(const std::string& model, const std::string& design_line) {
  return "# yaml-language-server: $schema=../schema.json\n"
         "# A starting scenario for " + model + ", written by designsim new. Every key is at its default.\n"
         "name: new-" + model + "\n"
         "description: >\n"
         "  A starting point: say here what this scenario shows.\n"
         "model: " + model + "\n"
         "seed: 1\n"
         "duration: 10s\n"
         "params:" + design_line + "\n";
}

std::string tail_of(const ModelInfo& model) {
  std::string checks = fmt::format("{}", fmt::join(model.make()->check_names(), ", "));
  return "network:\n"
         "  # one-way delay of a message: a duration or {dist: lognormal, median: 1ms, p99: 5ms}\n"
         "  latency: 1ms\n"
         "  # share of messages dropped, and delivered twice\n"
         "  loss: 0\n"
         "  duplicate: 0\n"
         "faults:\n"
         "  # a 100ms pause of every node 2s in (name one node instead: designsim describe faults)\n"
         "  - at: 2s\n"
         "    pause: {node: \"*\", duration: 100ms}\n"
         "expect:\n"
         "  # checks this scenario exists to break; a check not named must hold\n"
         "  violated: []\n"
         "  held: [" + checks + "]\n";
}

std::string draft_for(const ModelInfo& model, const std::string& design) {
  ModelCatalog catalog = catalog_model(model);
  std::size_t run = 0;
  if (!design.empty()) {
    auto found = std::find(catalog.designs.begin(), catalog.designs.end(), design);
    if (catalog.design_key.empty() || found == catalog.designs.end())
      throw UsageError(fmt::format("designsim new: {} has no design '{}' (designs: {})", model.name, design,
                                   fmt::join(catalog.designs, ", ")));
    run = static_cast<std::size_t>(found - catalog.designs.begin());
  }
  Draft draft{head_of(model.name, ""), {}, tail_of(model), {}};
  std::vector<OptionSpec> read = catalog.runs.empty() ? log_params(model, "{}") : catalog.runs[run];
  add_entries(draft, catalog, read, "", 0);
  for (Entry& entry : draft.entries)
    if (entry.path == catalog.design_key && !design.empty()) entry.value = design;
  for (int attempt = 0; attempt < attempts_max; ++attempt) {
    std::string text = render(draft);
    try {
      check_scenario(parse_scenario(text, "new"));
      return text;
    } catch (const ScenarioError& e) {
      std::size_t line = e.where.line;
      int index = line >= 1 && line <= draft.line_entry.size() ? draft.line_entry[line - 1] : -1;
      if (index < 0 || draft.entries[static_cast<std::size_t>(index)].disabled)
        throw InternalError("designsim new wrote a scenario it cannot read: " + std::string(e.what()));
      draft.entries[static_cast<std::size_t>(index)].disabled = true;
      draft.entries[static_cast<std::size_t>(index)].reason = e.message;
    }
  }
  throw InternalError("designsim new: no valid scenario after " + std::to_string(attempts_max) + " attempts");
}

}  // namespace

int new_command(const Args& args) {
  return guarded("new", [&] {
    po::options_description options("options");
    options.add_options()("design", po::value<std::string>(), "the design to start from (designsim describe MODEL)");
    options.add_options()("model", po::value<std::string>(), "the model");
    po::positional_options_description positional;
    positional.add("model", 1);
    Parsed parsed = parse("new", args, options, positional);
    if (parsed.help) {
      print_help("designsim new MODEL [--design D] > scenarios/MODEL/NAME.yaml",
                 "Prints a complete starting scenario: every parameter at its default under its description, a "
                 "fault and an expect: block, which designsim check accepts as it stands.",
                 options);
      return all_held;
    }
    if (!parsed.vars.count("model")) throw UsageError("designsim new: expected a MODEL (designsim list shows them)");
    std::string name = parsed.vars["model"].as<std::string>();
    const ModelInfo* model = find_model(name);
    if (!model) throw UsageError("designsim new: unknown model '" + name + "' (designsim list shows them)");
    std::string design = parsed.vars.count("design") ? parsed.vars["design"].as<std::string>() : "";
    std::fputs(draft_for(*model, design).c_str(), stdout);
    return all_held;
  });
}

}  // namespace sim::cli
