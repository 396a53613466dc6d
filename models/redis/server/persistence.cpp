#include "models/redis/server/persistence.hpp"

#include <cctype>
#include <charconv>
#include <fmt/format.h>

namespace redis {
namespace {

const std::string replicaof_key = "redis.conf/replicaof";

// Reads "<prefix><digits>\r\n" at `pos`; advances past it.
std::optional<std::uint64_t> read_length(const std::string& text, std::size_t& pos, char prefix) {
  if (pos >= text.size() || text[pos] != prefix) return std::nullopt;
  std::size_t end = text.find("\r\n", pos);
  if (end == std::string::npos || end == pos + 1) return std::nullopt;
  std::uint64_t value = 0;
  for (std::size_t i = pos + 1; i < end; ++i) {
    char c = text[i];
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  pos = end + 2;
  return value;
}

std::optional<Argv> read_command(const std::string& text, std::size_t& pos) {
  auto count = read_length(text, pos, '*');
  if (!count) return std::nullopt;
  Argv argv;
  for (std::uint64_t i = 0; i < *count; ++i) {
    auto length = read_length(text, pos, '$');
    if (!length || pos + *length + 2 > text.size()) return std::nullopt;
    argv.push_back(text.substr(pos, *length));
    pos += *length;
    if (text.compare(pos, 2, "\r\n") != 0) return std::nullopt;
    pos += 2;
  }
  return argv;
}

std::string upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

std::optional<std::int64_t> parse_integer(const std::string& text) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// SET key value [NX|XX] [GET] [KEEPTTL] [EX s|PX ms] -> the same with PXAT <deadline>.
Argv absolute_set(const Argv& argv, std::int64_t now_ms) {
  Argv out(argv.begin(), argv.begin() + 3);
  std::optional<std::int64_t> deadline;
  for (std::size_t i = 3; i < argv.size(); ++i) {
    std::string option = upper(argv[i]);
    if ((option == "EX" || option == "PX") && i + 1 < argv.size()) {
      if (std::optional<std::int64_t> amount = parse_integer(argv[i + 1])) {
        deadline = now_ms + (option == "EX" ? *amount * 1000 : *amount);
        ++i;
        continue;
      }
    }
    out.push_back(argv[i]);
  }
  if (!deadline) return argv;
  out.push_back("PXAT");
  out.push_back(std::to_string(*deadline));
  return out;
}

Argv absolute_expire(const Argv& argv, std::int64_t now_ms) {
  std::optional<std::int64_t> amount = parse_integer(argv[2]);
  if (!amount) return argv;
  std::string name = upper(argv[0]);
  std::int64_t deadline = name == "EXPIRE"    ? now_ms + *amount * 1000
                          : name == "PEXPIRE" ? now_ms + *amount
                                              : *amount * 1000;
  Argv out{"PEXPIREAT", argv[1], std::to_string(deadline)};
  out.insert(out.end(), argv.begin() + 3, argv.end());
  return out;
}

}  // namespace

std::vector<Argv> absolute_ttls(const std::vector<Argv>& writes, std::int64_t now_ms) {
  std::vector<Argv> out;
  out.reserve(writes.size());
  for (const Argv& argv : writes) {
    std::string name = argv.empty() ? std::string() : upper(argv[0]);
    if (name == "SET" && argv.size() > 3) out.push_back(absolute_set(argv, now_ms));
    else if ((name == "EXPIRE" || name == "PEXPIRE" || name == "EXPIREAT") && argv.size() >= 3)
      out.push_back(absolute_expire(argv, now_ms));
    else out.push_back(argv);
  }
  return out;
}

std::string encode_commands(const std::vector<Argv>& commands) {
  std::string out;
  for (const Argv& argv : commands) {
    out += fmt::format("*{}\r\n", argv.size());
    for (const std::string& arg : argv) {
      out += fmt::format("${}\r\n", arg.size());
      out += arg;
      out += "\r\n";
    }
  }
  return out;
}

std::optional<std::vector<Argv>> decode_commands(const std::string& text) {
  std::vector<Argv> commands;
  std::size_t pos = 0;
  while (pos < text.size()) {
    auto argv = read_command(text, pos);
    if (!argv) return std::nullopt;
    commands.push_back(std::move(*argv));
  }
  return commands;
}

std::string Aof::record_key(std::uint64_t index) { return fmt::format("aof/{:012}", index); }

std::vector<Argv> Aof::load() {
  std::vector<Argv> commands;
  if (!enabled()) return commands;
  bytes_ = 0;
  for (next_ = 1;; ++next_) {
    std::optional<std::string> record = disk_.read(record_key(next_));
    if (!record) break;
    bytes_ += record->size();
    // A record is written whole, so it is never cut short; a malformed one ends the replay,
    // as aof-load-truncated does for a truncated tail.
    auto decoded = decode_commands(*record);
    if (!decoded) break;
    for (Argv& argv : *decoded) commands.push_back(std::move(argv));
  }
  unsynced_ = 0;
  base_bytes_ = bytes_;
  return commands;
}

void Aof::write_record(std::string text) {
  bytes_ += text.size();
  disk_.write(record_key(next_++), std::move(text));
  ++unsynced_;
}

void Aof::append(const std::vector<Argv>& commands) {
  if (!enabled() || commands.empty()) return;
  write_record(encode_commands(commands));
}

void Aof::sync() {
  if (!enabled() || unsynced_ == 0) return;
  disk_.sync();
  unsynced_ = 0;
}

void Aof::replace(const std::vector<Argv>& dataset) {
  if (!enabled()) return;
  for (std::uint64_t index = 1; index < next_; ++index) disk_.erase(record_key(index));
  next_ = 1;
  bytes_ = 0;
  if (!dataset.empty()) write_record(encode_commands(dataset));
  disk_.sync();
  unsynced_ = 0;
  base_bytes_ = bytes_;
}

std::optional<std::string> read_replicaof(const sim::Disk& disk) {
  std::optional<std::string> master = disk.read(replicaof_key);
  if (master && master->empty()) return std::nullopt;
  return master;
}

void write_replicaof(sim::Disk& disk, const std::optional<std::string>& master) {
  disk.write(replicaof_key, master.value_or(""));
  disk.sync();
}

}  // namespace redis
