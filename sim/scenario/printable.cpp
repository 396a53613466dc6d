#include "sim/scenario/printable.hpp"

#include <fmt/format.h>

namespace sim {
namespace {

// The length of the valid UTF-8 sequence starting at `at` (2 to 4), or 0 when it is not one:
// overlong forms, surrogates and code points past U+10FFFF are not.
std::size_t sequence_length(std::string_view text, std::size_t at, char32_t& code) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  std::size_t length = lead >= 0xf0 && lead <= 0xf4 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc2 && lead <= 0xdf ? 2 : 0;
  if (length == 0 || lead > 0xf4 || at + length > text.size()) return 0;
  code = lead & (0x7f >> length);
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xc0) != 0x80) return 0;
    code = (code << 6) | (byte(at + i) & 0x3f);
  }
  constexpr char32_t least[]{0, 0, 0x80, 0x800, 0x10000};
  if (code < least[length] || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return 0;
  return length;
}

std::string escape_control(unsigned char c) {
  switch (c) {
    case '\n': return "\\n";
    case '\r': return "\\r";
    case '\t': return "\\t";
    default: return fmt::format("\\x{:02x}", c);
  }
}

}  // namespace

std::string printable(std::string_view text, bool keep_newlines) {
  std::string shown;
  shown.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    auto c = static_cast<unsigned char>(text[at]);
    if (c < 0x80) {
      bool control = c < 0x20 || c == 0x7f;
      shown += control && !(keep_newlines && c == '\n') ? escape_control(c) : std::string(1, static_cast<char>(c));
      ++at;
      continue;
    }
    char32_t code = 0;
    std::size_t length = sequence_length(text, at, code);
    if (length == 0) {
      shown += fmt::format("\\x{:02x}", c);
      ++at;
    } else if (code < 0xa0) {  // a C1 control, as two bytes
      shown += fmt::format("\\u{:04x}", static_cast<std::uint32_t>(code));
      at += length;
    } else {
      shown.append(text.substr(at, length));
      at += length;
    }
  }
  return shown;
}

}  // namespace sim
