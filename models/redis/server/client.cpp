#include "models/redis/server/client.hpp"

#include <fmt/format.h>

namespace redis {
namespace {

constexpr std::size_t shown_bytes_max = 64;

bool plain(const std::string& arg) {
  if (arg.empty()) return false;
  for (char c : arg) {
    auto u = static_cast<unsigned char>(c);
    if (u <= ' ' || u >= 0x7f || c == '"' || c == '\\') return false;
  }
  return true;
}

// As redis-cli shows an argument: bare when plain, else quoted with escapes; long ones cut.
std::string shown(const std::string& arg) {
  std::string_view text = arg;
  bool cut = text.size() > shown_bytes_max;
  if (cut) text = text.substr(0, shown_bytes_max);
  std::string out;
  if (!cut && plain(arg)) {
    out = arg;
  } else {
    out = "\"";
    for (char c : text) {
      auto u = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') out += fmt::format("\\{}", c);
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (u < ' ' || u >= 0x7f) out += fmt::format("\\x{:02x}", u);
      else out += c;
    }
    out += "\"";
  }
  if (cut) out += fmt::format("...({} bytes)", arg.size());
  return out;
}

}  // namespace

std::string Command::describe() const {
  std::string text;
  if (connection != 0) text = fmt::format("[conn {}] ", connection);
  for (std::size_t i = 0; i < argv.size(); ++i) {
    if (i > 0) text += ' ';
    text += shown(argv[i]);
  }
  return text;
}

}  // namespace redis
