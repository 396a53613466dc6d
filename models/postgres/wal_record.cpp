#include "models/postgres/wal_record.hpp"

#include <charconv>
#include <stdexcept>

namespace postgres {
namespace {

/// Appends the number's digits and `end`, with no string made for them.
template <class Number>
void put_number(std::string& out, Number n, char end) {
  char digits[24];
  auto [stop, ec] = std::to_chars(digits, digits + sizeof digits, n);
  out.append(digits, stop);
  out += end;
}

void put_text(std::string& out, const std::string& text) {
  out += 's';
  put_number(out, text.size(), ':');
  out += text;
}

// Each field is a letter and its text: `i<digits>;`, `s<length>:<bytes>`, `n` (NULL), `t`/`f`.
void put(std::string& out, const Value& value) {
  if (is_null(value)) {
    out += 'n';
  } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
    out += 'i';
    put_number(out, *i, ';');
  } else if (const auto* s = std::get_if<std::string>(&value)) {
    put_text(out, *s);
  } else {
    out += std::get<bool>(value) ? 't' : 'f';
  }
}

struct Reader {
  const std::string& text;
  std::size_t at = 0;

  char next() {
    if (at >= text.size()) throw std::invalid_argument("WAL record cut short");
    return text[at++];
  }
  std::int64_t number(char end) {
    std::size_t stop = text.find(end, at);
    if (stop == std::string::npos) throw std::invalid_argument("WAL record: a number without its end");
    std::int64_t n = std::stoll(text.substr(at, stop - at));
    at = stop + 1;
    return n;
  }
  std::string bytes(std::size_t n) {
    if (at + n > text.size()) throw std::invalid_argument("WAL record cut short");
    std::string s = text.substr(at, n);
    at += n;
    return s;
  }
  Value value() {
    switch (next()) {
      case 'n': return Null{};
      case 'i': return number(';');
      case 's': return bytes(static_cast<std::size_t>(number(':')));
      case 't': return true;
      case 'f': return false;
      default: throw std::invalid_argument("WAL record: an unknown value kind");
    }
  }
};

}  // namespace

std::string encode(const CommitRecord& record) {
  std::string out;
  put_number(out, record.session, ';');
  put_number(out, record.changes.size(), ';');
  for (const RowChange& change : record.changes) {
    put_text(out, change.table);  // as put() writes a text value
    put_number(out, change.row, ';');
    if (!change.after) {
      out += "-;";
      continue;
    }
    put_number(out, change.after->size(), ';');
    for (const Value& value : *change.after) put(out, value);
  }
  return out;
}

CommitRecord decode(const std::string& text) {
  Reader in{text};
  CommitRecord record;
  record.session = static_cast<SessionId>(in.number(';'));
  auto changes = in.number(';');
  for (std::int64_t c = 0; c < changes; ++c) {
    RowChange change;
    Value table = in.value();
    if (!std::holds_alternative<std::string>(table)) throw std::invalid_argument("WAL record: a table without a name");
    change.table = std::get<std::string>(table);
    change.row = static_cast<std::uint64_t>(in.number(';'));
    if (in.text.compare(in.at, 2, "-;") == 0) {
      in.at += 2;
    } else {
      Row row(static_cast<std::size_t>(in.number(';')));
      for (Value& value : row) value = in.value();
      change.after = std::move(row);
    }
    record.changes.push_back(std::move(change));
  }
  if (in.at != text.size()) throw std::invalid_argument("WAL record: text after its end");
  return record;
}

}  // namespace postgres
