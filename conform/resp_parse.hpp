// Reading RESP2 replies as a real server writes them: status (+), error (-), integer (:), bulk
// string ($, with $-1 for null) and array (*, with *-1 for null), nested to any depth.
//
// The parser is incremental: it is handed the bytes received so far and either takes one whole
// reply off the front or says it needs more. Bytes that cannot be RESP2 are a ProtocolError.
#pragma once

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "models/redis/engine/reply.hpp"

namespace conform {

/// The server sent bytes that are not a RESP2 reply.
struct ProtocolError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ParsedReply {
  redis::Reply reply;
  std::size_t length = 0;  ///< bytes of the input the reply took
};

/// The first whole reply in `bytes`, or nullopt if `bytes` ends before the reply does.
std::optional<ParsedReply> parse_reply(std::string_view bytes);

}  // namespace conform
