#include "sim/scenario/yaml_document.hpp"

#include <sstream>
#include <string_view>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "sim/scenario/error.hpp"
#include "sim/scenario/yaml_value.hpp"

namespace sim {
namespace {

SourceMark mark_at(const YAML::Mark& mark, const std::string& file) {
  if (mark.is_null()) return SourceMark{file, 0, 0};
  return SourceMark{file, mark.line + 1, mark.column + 1};
}

/// Lists and mappings nested deeper than this are refused where they pass it: a scenario needs
/// a handful of levels, and yaml-cpp's own guard (about a thousand) reports only "bad file".
constexpr int nesting_max = 64;

// Records where each document's root starts, building nothing; refuses nesting past
// nesting_max at the place it goes past.
class DocumentScout : public YAML::EventHandler {
public:
  explicit DocumentScout(const std::string& file) : file_(file) {}
  std::vector<YAML::Mark> roots;

  void OnDocumentStart(const YAML::Mark&) override { depth_ = 0; }
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { root(mark); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { root(mark); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t, const std::string&) override {
    root(mark);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    root(mark);
    nest(mark);
  }
  void OnSequenceEnd() override { --depth_; }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    root(mark);
    nest(mark);
  }
  void OnMapEnd() override { --depth_; }

private:
  void root(const YAML::Mark& mark) {
    if (depth_ == 0) roots.push_back(mark);
  }
  void nest(const YAML::Mark& mark);
  const std::string& file_;
  int depth_ = 0;
};

void DocumentScout::nest(const YAML::Mark& mark) {
  if (++depth_ <= nesting_max) return;
  throw ScenarioError(mark_at(mark, file_), "invalid YAML: lists and mappings nested more than " +
                                                std::to_string(nesting_max) + " deep (this one starts at level " +
                                                std::to_string(depth_) + ")");
}

std::string_view line_at(const std::string& text, int line_index) {
  std::size_t begin = 0;
  for (int i = 0; i < line_index && begin != std::string::npos; ++i) {
    begin = text.find('\n', begin);
    if (begin != std::string::npos) ++begin;
  }
  if (begin == std::string::npos || begin >= text.size()) return {};
  return std::string_view(text).substr(begin, text.find('\n', begin) - begin);
}

// yaml-cpp's messages are terse; the two most common causes get a hint.
std::string parser_hint(const std::string& text, const YAML::Exception& error) {
  std::string_view line = error.mark.is_null() ? std::string_view{} : line_at(text, error.mark.line);
  std::size_t indent_end = line.find_first_not_of(" \t");
  if (line.substr(0, indent_end).find('\t') != std::string_view::npos) return " (YAML indents with spaces, not tabs)";
  if (error.msg == "illegal map value") return " (check this line's indentation; quote a value that holds ': ')";
  return "";
}

// Document roots, at most three: enough to tell one document from several, and a parser stuck
// on one token (two roots at one place) from a real second document.
std::vector<YAML::Mark> scout_documents(const std::string& text, const std::string& file) {
  constexpr int documents_max = 3;
  std::istringstream in(text);
  YAML::Parser parser(in);
  DocumentScout scout(file);
  for (int i = 0; i < documents_max && parser.HandleNextDocument(scout); ++i) {}
  return scout.roots;
}

void check_one_document(const std::vector<YAML::Mark>& roots, const std::string& text, const std::string& file) {
  for (std::size_t i = 0; i + 1 < roots.size(); ++i) {
    if (roots[i].pos != roots[i + 1].pos) continue;
    std::size_t pos = static_cast<std::size_t>(roots[i].pos);
    std::string token = pos < text.size() ? std::string(1, text[pos]) : "end of file";
    throw ScenarioError(mark_at(roots[i], file), "invalid YAML: unexpected '" + token + "'");
  }
  if (roots.size() > 1)
    throw ScenarioError(mark_at(roots[1], file), "a scenario file holds one YAML document; another one starts here");
}

}  // namespace

ScenarioError yaml_error(const YAML::Exception& error, const std::string& file) {
  return ScenarioError(mark_at(error.mark, file), "invalid YAML: " + error.msg);
}

YAML::Node parse_yaml_document(const std::string& text, const std::string& file) {
  YAML::Node root;
  try {
    check_one_document(scout_documents(text, file), text, file);
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw ScenarioError(mark_at(error.mark, file), "invalid YAML: " + error.msg + parser_hint(text, error));
  }
  if (!root.IsDefined() || root.IsNull())
    throw ScenarioError(SourceMark{file, 0, 0},
                        "the scenario is empty; expected a mapping with at least name: and model:");
  if (!root.IsMap())
    throw ScenarioError(mark_of(root, file),
                        "expected the scenario to be a mapping of keys such as name:, model: and faults:, got " +
                            describe(root));
  return root;
}

}  // namespace sim
