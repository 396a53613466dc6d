// The one YAML document of a scenario file, parsed defensively.
//
// yaml-cpp 0.7 is not safe on every input: YAML::LoadAll never returns on a stray ',' outside
// brackets (jbeder/yaml-cpp#1040, fixed upstream after 0.7), allocating until memory runs out.
// So documents are first counted with the event parser, at most three, and only then is the
// first one built. Every parser failure becomes a ScenarioError at the parser's mark.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

namespace sim {

/// The document's root: a mapping, or a ScenarioError (empty text, two documents, a list or a
/// scalar at the top, invalid YAML).
YAML::Node parse_yaml_document(const std::string& text, const std::string& file);

}  // namespace sim
