// Redis 7.0's shebang, an optional first line "#!lua flags=f1,f2" that declares what a script
// does (evalExtractShebangFlags). Of the flags, only no-writes changes anything in the
// simulator: its scripts may not call write commands. Words are split at blanks; unlike Redis,
// quotes are not interpreted.
#include <algorithm>

#include "models/redis/lua/lua_runtime.hpp"

namespace redis::lua {

namespace {

std::vector<std::string> split_words(const std::string& line) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < line.size()) {
    std::size_t start = line.find_first_not_of(" \t\r\n\v\f", at);
    if (start == std::string::npos) break;
    std::size_t stop = line.find_first_of(" \t\r\n\v\f", start);
    if (stop == std::string::npos) stop = line.size();
    words.push_back(line.substr(start, stop - start));
    at = stop;
  }
  return words;
}

std::vector<std::string> split_flags(const std::string& list) {
  std::vector<std::string> flags;
  if (list.empty()) return flags;
  std::size_t start = 0;
  for (;;) {
    std::size_t comma = list.find(',', start);
    flags.push_back(list.substr(start, comma == std::string::npos ? std::string::npos : comma - start));
    if (comma == std::string::npos) return flags;
    start = comma + 1;
  }
}

}  // namespace

std::variant<Shebang, std::string> read_shebang(const std::string& body) {
  Shebang shebang;
  if (!body.starts_with("#!")) return shebang;
  std::size_t line_end = body.find('\n');
  if (line_end == std::string::npos) return std::string("Invalid script shebang");
  shebang.length = line_end;
  std::vector<std::string> parts = split_words(body.substr(0, line_end));
  if (parts[0] != "#!lua") return "Unexpected engine in script shebang: " + parts[0];
  static const std::vector<std::string> known_flags{"no-writes", "allow-oom", "allow-stale", "no-cluster",
                                                    "allow-cross-slot-keys"};
  for (std::size_t j = 1; j < parts.size(); ++j) {
    if (!parts[j].starts_with("flags=")) return "Unknown lua shebang option: " + parts[j];
    for (const std::string& flag : split_flags(parts[j].substr(6))) {
      if (std::find(known_flags.begin(), known_flags.end(), flag) == known_flags.end()) {
        return "Unexpected flag in script shebang: " + flag;
      }
      if (flag == "no-writes") shebang.no_writes = true;
    }
  }
  return shebang;
}

}  // namespace redis::lua
