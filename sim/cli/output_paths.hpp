// Where a command writes, decided and checked before anything runs: a default folder unique to
// each scenario file and always under out/, a folder the user named that can be made and
// written, and no output that is one of the command's inputs.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace sim::cli {

/// out/<the file's path under scenarios/, without .yaml>/<leaf> ("out/lock/redis-clock-step/
/// seed-1"); for a file outside any scenarios/ folder, out/<model>/<its name without .yaml>/<leaf>.
/// Never leaves out/: "." and ".." in the path are replaced.
std::filesystem::path default_out_folder(const std::string& file, const std::string& model, const std::string& leaf);

/// Makes `folder` if missing and checks that a file can be written in it; throws OutputError
/// naming the folder and the reason otherwise.
void prepare_out_folder(const std::filesystem::path& folder);

/// Checks that `file` can be written (its folder made, a file written beside it) and that it is
/// none of `inputs`; throws OutputError otherwise. Leaves no file behind.
void check_output_file(const std::filesystem::path& file, const std::vector<std::string>& inputs);

}  // namespace sim::cli
