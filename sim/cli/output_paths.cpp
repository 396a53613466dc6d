#include "sim/cli/output_paths.hpp"

#include <fmt/format.h>

#include "reports/output_file.hpp"

namespace sim::cli {
namespace fs = std::filesystem;
using report::OutputError;

namespace {

// A path component that stays where it is put.
std::string safe_component(std::string name) {
  if (name.empty() || name == "." || name == "..") return "_";
  return name;
}

fs::path without_yaml(const fs::path& file) {
  fs::path name = file.filename();
  return name.extension() == ".yaml" ? name.stem() : name;
}

}  // namespace

fs::path default_out_folder(const std::string& file, const std::string& model, const std::string& leaf) {
  fs::path path = fs::path(file).lexically_normal();
  std::vector<fs::path> parts(path.begin(), path.end());
  std::size_t start = parts.size();
  for (std::size_t i = 0; i + 1 < parts.size(); ++i)
    if (parts[i] == "scenarios") start = i + 1;
  fs::path folder = "out";
  if (start < parts.size()) {
    for (std::size_t i = start; i + 1 < parts.size(); ++i) folder /= safe_component(parts[i].string());
  } else {
    folder /= safe_component(model);
  }
  return folder / safe_component(without_yaml(path).string()) / leaf;
}

void prepare_out_folder(const fs::path& folder) {
  if (folder.empty()) throw OutputError("cannot write to an output folder named '' (--out needs a folder)");
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder, ec))
    throw OutputError(fmt::format("cannot write to the output folder {}: {}", folder.string(),
                                  ec ? ec.message() : std::string("it is not a folder")));
  // A probe file made and dropped in the folder: it makes the folder if missing and proves the
  // folder takes files, so an unwritable one is found before the run rather than after.
  report::OutputFile probe(folder / ".designsim-probe");
}

void check_output_file(const fs::path& file, const std::vector<std::string>& inputs) {
  if (file.empty()) throw OutputError("cannot write to a file named ''");
  std::error_code ec;
  if (fs::is_directory(file, ec)) throw OutputError(fmt::format("cannot write {}: it is a folder", file.string()));
  for (const std::string& input : inputs) {
    if (fs::equivalent(file, input, ec))
      throw OutputError(
          fmt::format("cannot write {}: it is {}, an input of this command; name another file", file.string(), input));
  }
  report::OutputFile probe(file);
}

}  // namespace sim::cli
