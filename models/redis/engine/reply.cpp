#include "models/redis/engine/reply.hpp"

#include <fmt/format.h>

namespace redis {

namespace {

// A real server never lets a line break into a status or error line: it turns CR and LF into
// spaces, so the reply stays one RESP line whatever the message carried.
std::string one_line(const std::string& text) {
  std::string line = text;
  for (char& c : line) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return line;
}

void append_resp(const Reply& reply, std::string& out) {
  switch (reply.type) {
    case Reply::Type::status:
      out += '+';
      out += one_line(reply.text);
      out += "\r\n";
      return;
    case Reply::Type::error:
      out += '-';
      out += one_line(reply.text);
      out += "\r\n";
      return;
    case Reply::Type::integer:
      out += fmt::format(":{}\r\n", reply.integer);
      return;
    case Reply::Type::bulk:
      out += fmt::format("${}\r\n", reply.text.size());
      out += reply.text;
      out += "\r\n";
      return;
    case Reply::Type::null_bulk:
      out += "$-1\r\n";
      return;
    case Reply::Type::array:
      out += fmt::format("*{}\r\n", reply.elements.size());
      for (const Reply& element : reply.elements) append_resp(element, out);
      return;
    case Reply::Type::null_array:
      out += "*-1\r\n";
      return;
  }
}

// Quotes a bulk string the way redis-cli does: printable bytes as they are, the rest escaped.
std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (byte < 0x20 || byte >= 0x7f) {
          out += fmt::format("\\x{:02x}", byte);
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace

Reply Reply::status(std::string text) {
  Reply reply;
  reply.type = Type::status;
  reply.text = std::move(text);
  return reply;
}

Reply Reply::error(std::string text) {
  Reply reply;
  reply.type = Type::error;
  reply.text = std::move(text);
  return reply;
}

Reply Reply::from_integer(std::int64_t value) {
  Reply reply;
  reply.type = Type::integer;
  reply.integer = value;
  return reply;
}

Reply Reply::bulk(std::string text) {
  Reply reply;
  reply.type = Type::bulk;
  reply.text = std::move(text);
  return reply;
}

Reply Reply::null() { return Reply{}; }

Reply Reply::array(std::vector<Reply> elements) {
  Reply reply;
  reply.type = Type::array;
  reply.elements = std::move(elements);
  return reply;
}

Reply Reply::null_array() {
  Reply reply;
  reply.type = Type::null_array;
  return reply;
}

std::string Reply::resp() const {
  std::string out;
  append_resp(*this, out);
  return out;
}

std::string Reply::describe() const {
  switch (type) {
    case Type::status: return text;
    case Type::error: return "(error) " + text;
    case Type::integer: return fmt::format("(integer) {}", integer);
    case Type::bulk: return quoted(text);
    case Type::null_bulk:
    case Type::null_array: return "(nil)";
    case Type::array: {
      if (elements.empty()) return "(empty array)";
      std::string out = "[";
      for (std::size_t i = 0; i < elements.size(); ++i) {
        if (i > 0) out += ", ";
        out += elements[i].describe();
      }
      return out + "]";
    }
  }
  return {};
}

}  // namespace redis
