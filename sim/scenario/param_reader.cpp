#include "sim/scenario/param_reader.hpp"

#include <utility>

#include "sim/scenario/error.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/suggest.hpp"
#include "sim/scenario/value_text.hpp"

namespace sim {

struct ParamReader::State {
  struct Entry {
    std::string key;
    SourceMark key_where;
    YAML::Node value;
    bool read = false;
  };

  std::string path;
  SourceMark where;
  std::vector<Entry> entries;                   // document order
  std::vector<std::string> known;               // first declared first
  std::vector<std::shared_ptr<State>> children;  // creation order
  std::shared_ptr<OptionLog> log;               // when describing: what the caller visits

  std::string prefix() const { return path.empty() ? "" : path + ": "; }
  std::string place() const { return path.empty() ? "at the top level" : "in " + path; }

  bool is_known(std::string_view key) const {
    for (const std::string& name : known)
      if (name == key) return true;
    return false;
  }

  void declare(std::string_view key) {
    if (!is_known(key)) known.emplace_back(key);
  }

  Entry* find(std::string_view key) {
    declare(key);
    for (Entry& entry : entries)
      if (entry.key == key) return &entry;
    return nullptr;
  }

  const Entry* lookup(std::string_view key) const {
    for (const Entry& entry : entries)
      if (entry.key == key) return &entry;
    return nullptr;
  }

  void add(const YAML::Node& key_node, const YAML::Node& value) {
    SourceMark key_where = mark_of(key_node, where.file);
    if (key_where.line == 0) key_where = where;
    if (!key_node.IsScalar())
      throw ScenarioError(key_where, prefix() + "a key must be a name, got " + describe(key_node));
    const std::string& key = key_node.Scalar();
    if (const Entry* earlier = lookup(key)) {
      std::string first_at = std::to_string(earlier->key_where.line) + ":" + std::to_string(earlier->key_where.column);
      throw ScenarioError(key_where, "duplicate key '" + key + "' " + place() + " (first written at " + first_at + ")");
    }
    entries.push_back(Entry{key, key_where, value, false});
  }

  void load(const YAML::Node& node) {
    if (!node.IsDefined() || node.IsNull()) return;
    if (!node.IsMap()) throw ScenarioError(where, prefix() + "expected a mapping, got " + describe(node));
    for (auto it = node.begin(); it != node.end(); ++it) add(it->first, it->second);
  }
};

namespace {

bool earlier(const SourceMark& a, const SourceMark& b) {
  return a.line != b.line ? a.line < b.line : a.column < b.column;
}

}  // namespace

ParamReader::ParamReader(const YAML::Node& node, const SourceMark& where, std::string path)
    : state_(std::make_shared<State>()) {
  state_->path = std::move(path);
  state_->where = where;
  state_->load(node);
}

ParamReader::ParamReader(std::shared_ptr<State> state) : state_(std::move(state)) {}

ParamReader ParamReader::of_params(const Scenario& scenario) {
  return ParamReader(scenario.params, scenario.params_where, "params");
}

ParamReader ParamReader::child(const YAML::Node& node, const SourceMark& where, std::string path) {
  ParamReader reader(node, where, std::move(path));
  reader.state_->log = state_->log;
  state_->children.push_back(reader.state_);
  return reader;
}

void ParamReader::keep_log(std::shared_ptr<OptionLog> log) { state_->log = std::move(log); }

void ParamReader::note(std::string_view key, OptionSpec spec) {
  if (!state_->log) return;
  spec.path = without_indices(label(key));
  state_->log->add(std::move(spec));
}

void ParamReader::note_integer(std::string_view key, bool required, std::optional<std::string> fallback,
                               std::string min, std::string max) {
  note(key, OptionSpec{.type = OptionType::integer, .required = required, .fallback = std::move(fallback),
                       .minimum = std::move(min), .maximum = std::move(max)});
}

void ParamReader::note_duration(std::string_view key, bool required, std::optional<Duration> fallback,
                                const DurationRange& range) {
  if (!state_->log) return;
  OptionSpec spec{.type = OptionType::duration, .required = required};
  if (fallback) spec.fallback = to_string(*fallback);
  if (range.min != DurationRange::any().min) spec.minimum = to_string(range.min);
  if (range.max != Duration::max()) spec.maximum = to_string(range.max);
  spec.positive = range.min > Duration::zero();
  note(key, std::move(spec));
}

bool ParamReader::has(std::string_view key) {
  note(key, OptionSpec{.declared_only = true});
  return state_->find(key) != nullptr;
}

std::optional<YamlValue> ParamReader::value(std::string_view key) {
  note(key, OptionSpec{});
  State::Entry* entry = state_->find(key);
  if (!entry) return std::nullopt;
  entry->read = true;
  return YamlValue::of(entry->value, label(key), entry->key_where);
}

YamlValue ParamReader::required(std::string_view key) {
  note(key, OptionSpec{.required = true});
  auto found = value(key);
  if (found) return *found;
  // A misspelt required key is better reported as the misspelling, where it is written.
  for (const State::Entry& entry : state_->entries) {
    if (entry.read || state_->is_known(entry.key)) continue;
    if (closest_match(entry.key, {std::string(key)}))
      throw ScenarioError(entry.key_where, "unknown key '" + entry.key + "' " + state_->place() +
                                               " (did you mean '" + std::string(key) + "'?)");
  }
  throw ScenarioError(state_->where, state_->prefix() + "missing required key '" + std::string(key) + "'");
}

Duration ParamReader::duration(std::string_view key, const DurationRange& range) {
  note_duration(key, true, std::nullopt, range);
  return read_duration(required(key), range);
}

Duration ParamReader::duration(std::string_view key, Duration fallback, const DurationRange& range) {
  note_duration(key, false, fallback, range);
  auto found = value(key);
  return found ? read_duration(*found, range) : fallback;
}

std::optional<Duration> ParamReader::optional_duration(std::string_view key, const DurationRange& range) {
  note_duration(key, false, std::nullopt, range);
  auto found = value(key);
  if (!found) return std::nullopt;
  return read_duration(*found, range);
}

double ParamReader::real(std::string_view key, double min, double max) {
  note(key, {.type = OptionType::real, .required = true, .minimum = format_real(min), .maximum = format_real(max)});
  return read_real(required(key), min, max);
}

double ParamReader::real(std::string_view key, double fallback, double min, double max) {
  note(key, {.type = OptionType::real, .fallback = format_real(fallback), .minimum = format_real(min),
             .maximum = format_real(max)});
  auto found = value(key);
  return found ? read_real(*found, min, max) : fallback;
}

bool ParamReader::boolean(std::string_view key) {
  note(key, {.type = OptionType::boolean, .required = true});
  return read_boolean(required(key));
}

bool ParamReader::boolean(std::string_view key, bool fallback) {
  note(key, {.type = OptionType::boolean, .fallback = fallback ? "true" : "false"});
  auto found = value(key);
  return found ? read_boolean(*found) : fallback;
}

std::string ParamReader::string(std::string_view key) {
  note(key, {.type = OptionType::string, .required = true});
  return read_string(required(key));
}

std::string ParamReader::string(std::string_view key, std::string fallback) {
  note(key, {.type = OptionType::string, .fallback = fallback});
  auto found = value(key);
  return found ? read_string(*found) : fallback;
}

std::string ParamReader::choice(std::string_view key, const std::vector<std::string_view>& allowed) {
  note(key, {.type = OptionType::choice, .required = true, .choices = {allowed.begin(), allowed.end()}});
  return read_choice(required(key), allowed);
}

std::string ParamReader::choice(std::string_view key, const std::vector<std::string_view>& allowed,
                                std::string_view fallback) {
  note(key,
       {.type = OptionType::choice, .fallback = std::string(fallback), .choices = {allowed.begin(), allowed.end()}});
  auto found = value(key);
  return found ? read_choice(*found, allowed) : std::string(fallback);
}

Rate ParamReader::rate(std::string_view key) {
  note(key, {.type = OptionType::rate, .required = true});
  return read_rate(required(key));
}

std::optional<Rate> ParamReader::optional_rate(std::string_view key) {
  note(key, {.type = OptionType::rate});
  auto found = value(key);
  if (!found) return std::nullopt;
  return read_rate(*found);
}

Rate ParamReader::rate(std::string_view key, Rate fallback) {
  note(key, {.type = OptionType::rate, .fallback = to_string(fallback)});
  auto found = value(key);
  return found ? read_rate(*found) : fallback;
}

Ratio ParamReader::ratio(std::string_view key) {
  note(key, {.type = OptionType::ratio, .required = true});
  return read_ratio(required(key));
}

std::optional<Ratio> ParamReader::optional_ratio(std::string_view key) {
  note(key, {.type = OptionType::ratio});
  auto found = value(key);
  if (!found) return std::nullopt;
  return read_ratio(*found);
}

Ratio ParamReader::ratio(std::string_view key, Ratio fallback) {
  note(key, {.type = OptionType::ratio, .fallback = yaml_text(fallback)});
  auto found = value(key);
  return found ? read_ratio(*found) : fallback;
}

DurationDist ParamReader::duration_dist(std::string_view key) {
  note(key, {.type = OptionType::duration_dist, .required = true});
  return read_duration_dist(required(key));
}

DurationDist ParamReader::duration_dist(std::string_view key, const DurationDist& fallback) {
  note(key, {.type = OptionType::duration_dist, .fallback = yaml_text(fallback)});
  auto found = value(key);
  return found ? read_duration_dist(*found) : fallback;
}

std::vector<std::string> ParamReader::string_list(std::string_view key) {
  note(key, {.type = OptionType::string_list, .required = true});
  std::vector<std::string> texts;
  for (MarkedString& item : read_marked_strings(required(key))) texts.push_back(std::move(item.text));
  return texts;
}

std::vector<std::string> ParamReader::string_list(std::string_view key, std::vector<std::string> fallback) {
  note(key, {.type = OptionType::string_list, .fallback = yaml_text(fallback)});
  if (!has(key)) return fallback;
  return string_list(key);
}

std::vector<MarkedString> ParamReader::marked_strings(std::string_view key) {
  note(key, {.type = OptionType::string_list});
  auto found = value(key);
  if (!found) return {};
  return read_marked_strings(*found);
}

NodeRef ParamReader::node_ref(std::string_view key) {
  note(key, {.type = OptionType::node_ref, .required = true});
  return read_node_ref(required(key));
}

std::vector<NodeRef> ParamReader::node_refs(std::string_view key) {
  note(key, {.type = OptionType::node_refs, .required = true});
  return read_node_refs(required(key));
}

std::vector<std::pair<MarkedString, Duration>> ParamReader::named_durations(std::string_view key,
                                                                            const DurationRange& range) {
  OptionSpec spec{.type = OptionType::duration_map};
  if (range.min != DurationRange::any().min) spec.minimum = to_string(range.min);
  if (range.max != Duration::max()) spec.maximum = to_string(range.max);
  note(key, std::move(spec));
  ParamReader mapping = section(key);
  std::vector<std::pair<MarkedString, Duration>> named;
  for (State::Entry& entry : mapping.state_->entries) {
    entry.read = true;
    YamlValue found = YamlValue::of(entry.value, mapping.label(entry.key), entry.key_where);
    named.emplace_back(MarkedString{entry.key, entry.key_where}, read_duration(found, range));
  }
  return named;
}

ParamReader ParamReader::section(std::string_view key) {
  note(key, {.type = OptionType::section});
  auto found = value(key);
  if (!found) return child(YAML::Node(), key_where(key), label(key));
  if (!found->node.IsMap() && !found->node.IsNull()) found->expected("a mapping");
  return child(found->node, found->where, found->label);
}

std::vector<ParamReader> ParamReader::section_list(std::string_view key) {
  note(key, {.type = OptionType::section_list});
  auto found = value(key);
  if (!found || found->node.IsNull()) return {};
  if (!found->node.IsSequence()) found->expected("a list");
  std::vector<ParamReader> readers;
  std::size_t index = 0;
  for (const YAML::Node& element : found->node) {
    YamlValue item = found->item(element, index++);
    if (!item.node.IsMap()) item.expected("a mapping");
    readers.push_back(child(item.node, item.where, item.label));
  }
  return readers;
}

std::vector<std::string> ParamReader::keys() const {
  std::vector<std::string> names;
  for (const State::Entry& entry : state_->entries) names.push_back(entry.key);
  return names;
}

SourceMark ParamReader::key_where(std::string_view key) const {
  const State::Entry* entry = state_->lookup(key);
  return entry ? entry->key_where : state_->where;
}

const SourceMark& ParamReader::where() const { return state_->where; }

const std::string& ParamReader::path() const { return state_->path; }

std::string ParamReader::label(std::string_view key) const {
  return state_->path.empty() ? std::string(key) : state_->path + "." + std::string(key);
}

void ParamReader::fail(std::string_view key, const std::string& message) const {
  const State::Entry* entry = state_->lookup(key);
  SourceMark where = entry ? YamlValue::of(entry->value, label(key), entry->key_where).where : state_->where;
  throw ScenarioError(where, label(key) + ": " + message);
}

void ParamReader::fail(const std::string& message) const {
  throw ScenarioError(state_->where, state_->prefix() + message);
}

void ParamReader::finish() const {
  struct Unread {
    const State* owner = nullptr;
    const State::Entry* entry = nullptr;
  };
  struct Search {
    Unread first;
    void visit(const State& state) {
      for (const State::Entry& entry : state.entries) {
        if (entry.read) continue;
        if (!first.entry || earlier(entry.key_where, first.entry->key_where)) first = Unread{&state, &entry};
        break;
      }
      for (const auto& child_state : state.children) visit(*child_state);
    }
  } search;
  search.visit(*state_);
  if (!search.first.entry) return;
  const State& owner = *search.first.owner;
  const std::string& key = search.first.entry->key;
  std::string hint = did_you_mean(key, owner.known);
  if (hint.empty() && !owner.known.empty() && owner.known.size() <= 16)
    hint = " (expected " + join_alternatives(owner.known) + ")";
  throw ScenarioError(search.first.entry->key_where, "unknown key '" + key + "' " + owner.place() + hint);
}

}  // namespace sim
