// A Redis reply, as RESP2 carries it: status, error, integer, bulk string (or null), array (or
// null array). The simulated Redis answers with these, byte for byte what a real server sends.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace redis {

struct Reply {
  enum class Type { status, error, integer, bulk, null_bulk, array, null_array };
  Type type = Type::null_bulk;
  std::string text;            ///< status, error (with its code: "ERR …", "WRONGTYPE …"), bulk
  std::int64_t integer = 0;    ///< integer
  std::vector<Reply> elements;  ///< array

  static Reply status(std::string text);
  static Reply ok() { return status("OK"); }
  static Reply error(std::string text);
  static Reply from_integer(std::int64_t value);
  static Reply bulk(std::string text);
  static Reply null();
  static Reply array(std::vector<Reply> elements);
  static Reply null_array();

  bool is_error() const { return type == Type::error; }
  /// The RESP2 encoding, as a real server writes it.
  std::string resp() const;
  /// Short stable text for traces: "OK", "(integer) 3", "\"abc\"", "(nil)", "(error) ERR …".
  std::string describe() const;
  bool operator==(const Reply&) const = default;
};

}  // namespace redis
