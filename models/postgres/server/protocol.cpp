#include "models/postgres/server/protocol.hpp"

namespace postgres {

std::string request_sql(const Request& request) {
  struct Sql {
    std::string operator()(const Statement& s) const { return postgres::to_sql(s); }
    std::string operator()(const SelectNow&) const { return "SELECT now()"; }
    std::string operator()(const SelectClockTimestamp&) const { return "SELECT clock_timestamp()"; }
  };
  return std::visit(Sql{}, request);
}

std::string StartupReply::describe() const {
  return pid != 0 ? "backend " + std::to_string(pid) : "refused: " + result.error->message;
}

std::string QueryMessage::describe() const { return std::to_string(pid) + ": " + request_sql(request); }

std::string QueryReply::describe() const {
  std::string text = result.ok() ? result.tag : result.sqlstate() + " " + result.error->message;
  return closed ? text + " (connection closed)" : text;
}

}  // namespace postgres
