#include "conform/resp_parse.hpp"

#include <fmt/format.h>

#include <limits>

#include "models/redis/engine/command_table.hpp"

namespace conform {

namespace {

// Deeper nesting than any command here produces means a broken or hostile stream.
constexpr int max_depth = 64;
// Redis's own limit on a bulk string (proto-max-bulk-len's ceiling).
constexpr std::int64_t max_bulk_length = std::int64_t{512} << 20;

struct Cursor {
  std::string_view bytes;
  std::size_t at = 0;
};

// The text of the line starting at the cursor (without CRLF), or nullopt if it is not all here.
std::optional<std::string_view> take_line(Cursor& cursor) {
  std::size_t end = cursor.bytes.find("\r\n", cursor.at);
  if (end == std::string_view::npos) return std::nullopt;
  std::string_view line = cursor.bytes.substr(cursor.at, end - cursor.at);
  cursor.at = end + 2;
  return line;
}

std::int64_t length_of(std::string_view line, char kind) {
  std::optional<std::int64_t> value = redis::parse_integer(line);
  if (!value || *value < -1 || *value > max_bulk_length) {
    throw ProtocolError(fmt::format("bad {} length '{}' in a reply", kind, line));
  }
  return *value;
}

std::optional<redis::Reply> parse_at(Cursor& cursor, int depth);

std::optional<redis::Reply> parse_bulk(Cursor& cursor, std::int64_t length) {
  if (length == -1) return redis::Reply::null();
  auto size = static_cast<std::size_t>(length);
  if (cursor.bytes.size() - cursor.at < size + 2) return std::nullopt;
  std::string text(cursor.bytes.substr(cursor.at, size));
  if (cursor.bytes.substr(cursor.at + size, 2) != "\r\n") throw ProtocolError("a bulk string does not end in CRLF");
  cursor.at += size + 2;
  return redis::Reply::bulk(std::move(text));
}

std::optional<redis::Reply> parse_array(Cursor& cursor, std::int64_t count, int depth) {
  if (count == -1) return redis::Reply::null_array();
  std::vector<redis::Reply> elements;
  for (std::int64_t i = 0; i < count; ++i) {
    std::optional<redis::Reply> element = parse_at(cursor, depth + 1);
    if (!element) return std::nullopt;
    elements.push_back(std::move(*element));
  }
  return redis::Reply::array(std::move(elements));
}

std::optional<redis::Reply> parse_at(Cursor& cursor, int depth) {
  if (depth > max_depth) throw ProtocolError("a reply nests arrays too deeply");
  if (cursor.at >= cursor.bytes.size()) return std::nullopt;
  char kind = cursor.bytes[cursor.at++];
  std::optional<std::string_view> line = take_line(cursor);
  if (!line) return std::nullopt;
  switch (kind) {
    case '+': return redis::Reply::status(std::string(*line));
    case '-': return redis::Reply::error(std::string(*line));
    case ':': {
      std::optional<std::int64_t> value = redis::parse_integer(*line);
      if (!value) throw ProtocolError(fmt::format("bad integer '{}' in a reply", *line));
      return redis::Reply::from_integer(*value);
    }
    case '$': return parse_bulk(cursor, length_of(*line, kind));
    case '*': return parse_array(cursor, length_of(*line, kind), depth);
    default:
      throw ProtocolError(
          fmt::format("a reply starts with byte {:#04x}, which is not RESP2", static_cast<unsigned char>(kind)));
  }
}

}  // namespace

std::optional<ParsedReply> parse_reply(std::string_view bytes) {
  Cursor cursor{bytes};
  std::optional<redis::Reply> reply = parse_at(cursor, 0);
  if (!reply) return std::nullopt;
  return ParsedReply{std::move(*reply), cursor.at};
}

}  // namespace conform
