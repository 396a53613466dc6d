// The one YAML document of a scenario file, parsed defensively.
//
// yaml-cpp 0.7 is not safe on every input: YAML::LoadAll never returns on a stray ',' outside
// brackets (jbeder/yaml-cpp#1040, fixed upstream after 0.7), allocating until memory runs out.
// So documents are first counted with the event parser, at most three, and only then is the
// first one built. Every parser failure becomes a ScenarioError at the parser's mark.
#pragma once

#include <string>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/error.hpp"

namespace sim {

/// The document's root: a mapping, or a ScenarioError (empty text, two documents, a list or a
/// scalar at the top, invalid YAML).
YAML::Node parse_yaml_document(const std::string& text, const std::string& file);

ScenarioError yaml_error(const YAML::Exception& error, const std::string& file);

/// Reads a built document with `read`; a yaml-cpp exception on the way (which should not
/// happen, but is still bad input if it does) becomes a ScenarioError at its mark.
template <class Read>
auto read_yaml_document(const YAML::Node& root, const std::string& file, Read read) {
  try {
    return read(root);
  } catch (const YAML::Exception& error) {
    throw yaml_error(error, file);
  }
}

}  // namespace sim
