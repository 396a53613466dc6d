// Every file designsim writes (reports, the trace, sweep and study results, study cells) is
// written through OutputFile: to a temporary file in the same folder, flushed and synced, then
// renamed over the old one. A reader sees the old file or the whole new one, never a truncated
// mix; a failure leaves the old file as it was and says which file and why, in the system's
// words ("No space left on device").
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sim::report {

/// A file could not be written; the message names the file and the system's reason.
struct OutputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// One output being written. Text goes to a temporary file beside `path`; commit() makes it
/// `path`. Destroyed without commit(), it removes the temporary file and leaves `path` alone.
class OutputFile {
 public:
  /// Creates the temporary file (and the folder, if missing).
  explicit OutputFile(std::filesystem::path path);
  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  void write(std::string_view text);
  /// Flushes, syncs, closes and renames the temporary file over `path`.
  void commit();

  const std::filesystem::path& path() const { return path_; }

 private:
  void flush();
  [[noreturn]] void fail(std::string_view what, int error);

  std::filesystem::path path_;
  std::filesystem::path temporary_;
  int fd_ = -1;
  std::string buffer_;
};

/// Writes `text` to `path` through an OutputFile.
void write_output_file(const std::filesystem::path& path, std::string_view text);

}  // namespace sim::report
