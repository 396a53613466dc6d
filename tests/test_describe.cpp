// What `designsim describe`, `new` and `schema` say is what the loader accepts: every option the
// readers visit has a description (and every description an option), the schema kept in
// scenarios/schema.json is the one the binary prints, shipped scenarios validate against it with an
// independent validator, bad scenarios are rejected by it, and a new scenario passes both.
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

#include "models/catalog.hpp"
#include "sim/scenario/loader.hpp"
#include "tests/checkout.hpp"
#include "tests/cli_support.hpp"

namespace fs = std::filesystem;
using namespace sim;

namespace {

using Shell = test_support::Outcome;
using test_support::designsim;
using test_support::shell;

std::string file_text(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> yaml_files(const fs::path& folder) {
  std::vector<std::string> files;
  for (const auto& entry : fs::recursive_directory_iterator(folder))
    if (entry.path().extension() == ".yaml") files.push_back(fs::relative(entry.path(), checkout::source_dir).string());
  std::sort(files.begin(), files.end());
  return files;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += " " + item;
  return text;
}

std::string where_to_describe(const std::string& model, const std::string& path) {
  if (path.rfind("redis.", 0) == 0 || path == "redis") return "models/redis/docs.cpp";
  return "models/" + model + "/docs.cpp";
}

// Bad scenarios the schema cannot reject, with why: `name  reason` per line.
std::vector<std::string> schema_exceptions() {
  std::vector<std::string> names;
  std::istringstream lines(file_text(fs::path(checkout::source_dir) / "tests/bad_scenarios/schema_cannot_express.txt"));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == '#') continue;
    names.push_back(line.substr(0, line.find(' ')));
  }
  return names;
}

}  // namespace

TEST_CASE("every parameter a model reads has a description, and every description a parameter", "[scenario]") {
  std::vector<std::string> problems;
  for (const ModelInfo& model : model_registry()) {
    ModelCatalog catalog = catalog_model(model);
    for (const DescribedOption& option : catalog.params)
      if (option.text.empty())
        problems.push_back("model " + model.name + ": params." + option.spec.path +
                           " has no description: add one to " + where_to_describe(model.name, option.spec.path));
    REQUIRE(model.docs != nullptr);
    for (const OptionDoc& doc : model.docs().options) {
      bool read = std::any_of(catalog.params.begin(), catalog.params.end(),
                              [&](const DescribedOption& option) { return option.spec.path == doc.path; });
      if (!read)
        problems.push_back("model " + model.name + ": params." + doc.path + " is described in " +
                           where_to_describe(model.name, doc.path) + " but the model never reads it");
    }
  }
  INFO(joined(problems));
  CHECK(problems.empty());
}

TEST_CASE("every check of every model says what it means and how its severity is measured", "[scenario]") {
  for (const ModelInfo& model : model_registry()) {
    std::vector<std::string> names = model.make()->check_names();
    for (const std::string& name : names) {
      INFO("model " << model.name << ": check " << name << " needs a CheckDoc in models/" << model.name
                    << "/docs.cpp");
      auto doc = std::find_if(model.docs().checks.begin(), model.docs().checks.end(),
                              [&](const CheckDoc& d) { return d.name == name; });
      REQUIRE(doc != model.docs().checks.end());
      CHECK_FALSE(doc->meaning.empty());
      CHECK_FALSE(doc->severity.empty());
    }
    CHECK(model.docs().checks.size() == names.size());
  }
}

TEST_CASE("every fault kind has a sample, and every key the loader owns a description", "[scenario]") {
  ScenarioCatalog catalog = catalog_scenario();
  std::vector<std::string> problems;
  auto undescribed = [&](const std::vector<DescribedOption>& options, const std::string& where) {
    for (const DescribedOption& option : options)
      if (option.text.empty())
        problems.push_back(where + option.spec.path + " has no description: add one to sim/scenario/scenario_docs.cpp");
  };
  undescribed(catalog.top, "");
  for (const FaultCatalog& fault : catalog.faults) undescribed(fault.fields, "faults[].");
  for (const FaultCatalog& dist : catalog.dists) undescribed(dist.fields, "distribution field ");
  auto sampled = [&](const std::string& kind) {
    return std::any_of(fault_samples().begin(), fault_samples().end(),
                       [&](const FaultSample& sample) { return sample.kind == kind; });
  };
  for (const std::string& kind : fixed_fault_kinds())
    if (!sampled(kind)) problems.push_back("fault " + kind + " has no sample in sim/scenario/scenario_docs.cpp");
  for (const std::string& kind : random_fault_kinds())
    if (!sampled("random " + kind))
      problems.push_back("random fault " + kind + " has no sample in sim/scenario/scenario_docs.cpp");
  INFO(joined(problems));
  CHECK(problems.empty());
}

TEST_CASE("the catalog records what the reader checks, per design", "[scenario]") {
  ModelCatalog catalog = catalog_model(*find_model("lock"));
  CHECK(catalog.designs == std::vector<std::string>{"redis", "redlock", "consensus"});
  auto option = [&](const std::string& path) -> const DescribedOption& {
    auto found = std::find_if(catalog.params.begin(), catalog.params.end(),
                              [&](const DescribedOption& o) { return o.spec.path == path; });
    REQUIRE(found != catalog.params.end());
    return *found;
  };
  const DescribedOption& nodes = option("redlock.nodes");
  CHECK(nodes.spec.type == OptionType::integer);
  CHECK(nodes.spec.fallback == "5");
  CHECK(nodes.spec.minimum == "1");
  CHECK(nodes.spec.maximum == "15");
  CHECK(option("redlock").designs == std::vector<std::string>{"redlock"});
  CHECK(option("redis").designs == std::vector<std::string>{"redis", "redlock"});
  CHECK(option("ttl").designs.empty());
  CHECK(option("redis.failover.down_after").spec.type == OptionType::duration);
  CHECK(option("operations").spec.type == OptionType::integer);
  CHECK_FALSE(option("operations").spec.fallback.has_value());
}

TEST_CASE("scenarios/schema.json is what designsim schema prints", "[cli]") {
  Shell o = designsim("schema");
  REQUIRE(o.status == 0);
  INFO("run: designsim schema > scenarios/schema.json");
  CHECK(o.out == file_text(fs::path(checkout::source_dir) / "scenarios/schema.json"));
}

TEST_CASE("every shipped scenario and study validates against the schema", "[cli]") {
  std::vector<std::string> files = yaml_files(fs::path(checkout::source_dir) / "scenarios");
  REQUIRE(files.size() > 40);
  Shell o = shell("scripts/check-schema scenarios/schema.json valid" + joined(files));
  INFO(o.out);
  CHECK(o.status == 0);
  for (const std::string& file : files) {
    INFO(file);
    CHECK(file_text(fs::path(checkout::source_dir) / file).rfind("# yaml-language-server: $schema=", 0) == 0);
  }
}

TEST_CASE("the schema rejects every bad scenario but those it cannot express, and accepts those", "[cli]") {
  std::vector<std::string> exceptions = schema_exceptions();
  std::vector<std::string> rejected;
  std::vector<std::string> accepted;
  for (const std::string& file : yaml_files(fs::path(checkout::source_dir) / "tests/bad_scenarios")) {
    bool excepted = std::find(exceptions.begin(), exceptions.end(), fs::path(file).filename().string()) !=
                    exceptions.end();
    (excepted ? accepted : rejected).push_back(file);
  }
  REQUIRE(rejected.size() > 20);
  Shell o = shell("scripts/check-schema scenarios/schema.json invalid" + joined(rejected));
  INFO(o.out);
  CHECK(o.status == 0);
  // The list stays exact: a file the schema learns to reject leaves it.
  o = shell("scripts/check-schema scenarios/schema.json valid" + joined(accepted));
  INFO(o.out);
  CHECK(o.status == 0);
}

TEST_CASE("designsim new writes, for every model and design, a scenario check and the schema accept", "[cli]") {
  fs::path folder = fs::temp_directory_path() / "designsim-new-test" / "scenarios" / "new";
  fs::remove_all(folder.parent_path());
  fs::create_directories(folder);
  fs::copy_file(fs::path(checkout::source_dir) / "scenarios/schema.json", folder.parent_path() / "schema.json");
  std::vector<std::string> files;
  for (const ModelInfo& model : model_registry()) {
    std::vector<std::string> designs{""};
    for (const std::string& design : catalog_model(model).designs) designs.push_back(design);
    for (const std::string& design : designs) {
      fs::path file = folder / (model.name + "-" + (design.empty() ? "default" : design) + ".yaml");
      Shell o = designsim("new " + model.name + (design.empty() ? "" : " --design " + design) + " > " +
                            file.string());
      INFO(model.name << " " << design << ": " << o.out << file_text(file));
      REQUIRE(o.status == 0);
      CHECK(file_text(file).find("model: " + model.name) != std::string::npos);
      o = designsim("check " + file.string());
      CHECK(o.status == 0);
      files.push_back(file.string());
    }
  }
  Shell o = shell("scripts/check-schema scenarios/schema.json valid" + joined(files));
  INFO(o.out);
  CHECK(o.status == 0);
}

TEST_CASE("describe prints every parameter of a model, its faults and its checks, as text or JSON", "[cli]") {
  Shell o = designsim("describe lock");
  REQUIRE(o.status == 0);
  CHECK(o.out.find("redlock.nodes  (integer)  default 5  range [1, 15]  (only with redlock)") != std::string::npos);
  CHECK(o.out.find("redis.failover.down_after") != std::string::npos);
  CHECK(o.out.find("network.latency") != std::string::npos);
  o = designsim("describe faults");
  REQUIRE(o.status == 0);
  CHECK(o.out.find("clock_step.by  (duration)  required") != std::string::npos);
  o = designsim("describe checks snowflake --json");
  REQUIRE(o.status == 0);
  CHECK(o.out.find("\"name\": \"uniqueness\"") != std::string::npos);
  o = designsim("describe ratelimiter --json");
  REQUIRE(o.status == 0);
  CHECK(o.out.find("\"key\": \"bursts[].at\"") != std::string::npos);
  o = designsim("describe nosuchmodel");
  CHECK(o.status == 2);
  CHECK(o.out.find("unknown model 'nosuchmodel'") != std::string::npos);
}
