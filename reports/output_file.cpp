#include "reports/output_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace sim::report {
namespace fs = std::filesystem;

namespace {

// Text is handed to the system in blocks of this size, so a streamed trace is not held whole.
constexpr std::size_t block_size = 1 << 20;

std::string folder_of(const fs::path& path) {
  fs::path folder = path.parent_path();
  return folder.empty() ? std::string(".") : folder.string();
}

// Syncs the folder, so that the rename itself survives a crash of the machine.
void sync_folder(const fs::path& path) {
  int fd = ::open(folder_of(path).c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) return;  // the file is in place; only its durability across a power cut is unsure
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

OutputFile::OutputFile(fs::path path) : path_(std::move(path)) {
  std::error_code ec;
  fs::path folder = path_.parent_path();
  if (!folder.empty()) fs::create_directories(folder, ec);
  if (ec)
    throw OutputError(
        fmt::format("cannot write {}: cannot create the folder {}: {}", path_.string(), folder.string(), ec.message()));
  std::string pattern = (folder / ("." + path_.filename().string() + ".tmp-XXXXXX")).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  fd_ = ::mkstemp(name.data());
  if (fd_ < 0)
    throw OutputError(fmt::format("cannot write {}: cannot create a file in {}: {}", path_.string(), folder_of(path_),
                                  std::strerror(errno)));
  temporary_ = name.data();
  ::fchmod(fd_, 0644);  // mkstemp's 0600 would hide reports from the user's other tools
  buffer_.reserve(block_size);
}

OutputFile::~OutputFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!temporary_.empty()) ::unlink(temporary_.c_str());
}

void OutputFile::fail(std::string_view what, int error) {
  throw OutputError(fmt::format("cannot write {}: {}{}", path_.string(), what, std::strerror(error)));
}

void OutputFile::write(std::string_view text) {
  buffer_.append(text);
  if (buffer_.size() >= block_size) flush();
}

void OutputFile::flush() {
  std::size_t written = 0;
  while (written < buffer_.size()) {
    ssize_t n = ::write(fd_, buffer_.data() + written, buffer_.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("", errno);
    written += static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void OutputFile::commit() {
  flush();
  if (::fsync(fd_) != 0) fail("", errno);
  int fd = fd_;
  fd_ = -1;
  if (::close(fd) != 0) fail("", errno);
  if (::rename(temporary_.c_str(), path_.c_str()) != 0) fail("cannot replace it: ", errno);
  temporary_.clear();
  sync_folder(path_);
}

void write_output_file(const fs::path& path, std::string_view text) {
  OutputFile file(path);
  file.write(text);
  file.commit();
}

}  // namespace sim::report
