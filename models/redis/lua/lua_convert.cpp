// Conversions between replies and Lua values, as Redis's script_lua.c (7.0) and scripting.c
// (6.2) make them, with the RESP2 protocol scripts and their callers speak.
//
// Reply -> Lua: integer -> number, bulk -> string, null bulk and null array -> false,
// array -> table, status -> {ok = text}, error -> {err = text}.
// Lua -> reply: number -> integer (truncated), string -> bulk, true -> 1, false and nil -> null
// bulk, {err = s} -> error, {ok = s} -> status, {double = n} -> bulk "%.17g", otherwise an array
// of t[1], t[2], ... up to the first nil.
#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>
#include <variant>

#include "models/redis/lua/lua_runtime.hpp"

namespace redis::lua {

namespace {

// Redis's luaReplyToRedisReply checks for room for four values before each level; a table that
// contains itself therefore ends, about 8 000 levels down, in this error.
constexpr int room_per_level = 4;

std::string double_reply_text(double value) {
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return number_argument(value);
}

// The string at `index` up to its first NUL: Redis copies these fields with sdsnew and "%s".
std::string c_string_at(lua_State* L, int index) { return lua_tostring(L, index); }

std::string whole_string_at(lua_State* L, int index) {
  std::size_t length = 0;
  const char* text = lua_tolstring(L, index, &length);
  return std::string(text, length);
}

// Pushes t[field] (raw) and reports whether it has Lua type `type`; the caller pops it.
bool raw_field_is(lua_State* L, const char* field, int type) {
  lua_pushstring(L, field);
  lua_rawget(L, -2);
  return lua_type(L, -1) == type;
}

// 7.0 only: {big_number = "..."} and {verbatim_string = {format = f, string = s}}, which RESP2
// sends as bulk strings. Leaves the stack as it found it.
std::optional<Reply> resp3_string_reply(lua_State* L) {
  std::optional<Reply> reply;
  if (raw_field_is(L, "big_number", LUA_TSTRING)) reply = Reply::bulk(one_line(whole_string_at(L, -1)));
  lua_pop(L, 1);
  if (reply) return reply;
  if (raw_field_is(L, "verbatim_string", LUA_TTABLE)) {
    if (raw_field_is(L, "format", LUA_TSTRING)) {
      lua_pop(L, 1);
      if (raw_field_is(L, "string", LUA_TSTRING)) reply = Reply::bulk(whole_string_at(L, -1));
    }
    lua_pop(L, 1);
  }
  lua_pop(L, 1);
  return reply;
}

// The reply of a table with a reply-type field (err, ok, double, and in 7.0 big_number and
// verbatim_string), or nothing. Leaves the stack as it found it.
std::optional<Reply> single_field_reply(lua_State* L, Version version) {
  std::optional<Reply> reply;
  if (raw_field_is(L, "err", LUA_TSTRING)) {
    reply = Reply::error(one_line(trim_line_breaks("-" + c_string_at(L, -1))).substr(1));
  } else {
    lua_pop(L, 1);
    if (raw_field_is(L, "ok", LUA_TSTRING)) {
      reply = Reply::status(one_line(c_string_at(L, -1)));
    } else {
      lua_pop(L, 1);
      if (raw_field_is(L, "double", LUA_TNUMBER)) reply = Reply::bulk(double_reply_text(lua_tonumber(L, -1)));
    }
  }
  lua_pop(L, 1);
  if (!reply && version == Version::v7_0) reply = resp3_string_reply(L);
  return reply;
}

// A table being turned into an array reply. Tables nest as deep as Lua's stack allows, so the
// conversion keeps its own stack of these instead of recursing; the Lua stack holds exactly
// what Redis's recursive luaReplyToRedisReply holds at each step.
struct Aggregate {
  enum class Kind { array, map, set };
  Kind kind = Kind::array;
  std::vector<Reply> elements;
  int next_index = 1;            ///< array: the next t[i] to read
  bool value_pending = false;    ///< map: the key is done, its value is next
  int pops = 1;                  ///< Lua values to pop when done: the table (and {map = ...})
};

// Converts the value on top of the stack and pops it, or, for a table that becomes an array,
// leaves it on the stack and returns the aggregate to fill.
std::variant<Reply, Aggregate> visit(lua_State* L, Version version) {
  if (!lua_checkstack(L, room_per_level)) {
    lua_pop(L, 1);
    return Reply::error("ERR reached lua stack limit");
  }
  Reply reply;
  switch (lua_type(L, -1)) {
    case LUA_TSTRING: reply = Reply::bulk(whole_string_at(L, -1)); break;
    case LUA_TBOOLEAN: reply = lua_toboolean(L, -1) ? Reply::from_integer(1) : Reply::null(); break;
    case LUA_TNUMBER: reply = Reply::from_integer(truncate_to_int64(lua_tonumber(L, -1))); break;
    case LUA_TTABLE: {
      if (auto single = single_field_reply(L, version)) {
        reply = std::move(*single);
        break;
      }
      for (auto kind : {Aggregate::Kind::map, Aggregate::Kind::set}) {
        if (raw_field_is(L, kind == Aggregate::Kind::map ? "map" : "set", LUA_TTABLE)) {
          lua_pushnil(L);
          return Aggregate{kind, {}, 1, false, 2};
        }
        lua_pop(L, 1);
      }
      return Aggregate{};
    }
    default: reply = Reply::null();
  }
  lua_pop(L, 1);
  return reply;
}

// Puts the aggregate's next value on top of the stack, or returns false when it has no more.
// Maps and sets are read in the table's own order: a map as key, value, key, value, ...
bool push_next(lua_State* L, Aggregate& aggregate) {
  switch (aggregate.kind) {
    case Aggregate::Kind::array:
      lua_pushnumber(L, aggregate.next_index++);
      lua_rawget(L, -2);
      if (!lua_isnil(L, -1)) return true;
      lua_pop(L, 1);
      return false;
    case Aggregate::Kind::map:
      if (aggregate.value_pending) {
        aggregate.value_pending = false;
        return true;  // the value lua_next left under the key
      }
      if (!lua_next(L, -2)) return false;
      lua_pushvalue(L, -2);
      aggregate.value_pending = true;
      return true;
    case Aggregate::Kind::set:
      if (!lua_next(L, -2)) return false;
      lua_pop(L, 1);
      lua_pushvalue(L, -1);
      return true;
  }
  return false;
}

}  // namespace

std::string error_table_text(const std::string& buffer) {
  std::string code = "ERR";
  std::string message = buffer;
  if (!buffer.empty() && buffer[0] == '-') {
    std::size_t space = buffer.find(' ');
    if (space == std::string::npos) {
      message = buffer.substr(1);
    } else {
      code = buffer.substr(1, space - 1);
      message = buffer.substr(space + 1);
    }
  }
  return code + " " + trim_line_breaks(message);
}

void push_error_table(lua_State* L, const std::string& text) {
  lua_newtable(L);
  lua_pushstring(L, "err");
  lua_pushlstring(L, text.data(), text.size());
  lua_rawset(L, -3);
}

void push_reply(lua_State* L, const Reply& reply, Version version) {
  if (!lua_checkstack(L, room_per_level)) luaL_error(L, "reply nested too deeply for the Lua stack");
  switch (reply.type) {
    case Reply::Type::status:
      lua_newtable(L);
      lua_pushstring(L, "ok");
      lua_pushlstring(L, reply.text.data(), reply.text.size());
      lua_rawset(L, -3);
      return;
    case Reply::Type::error:
      if (version == Version::v6_2) {
        push_error_table(L, reply.text);
        return;
      }
      // 7.0 re-derives the error code and marks the error as already counted in the stats.
      push_error_table(L, error_table_text("-" + reply.text));
      lua_pushstring(L, "ignore_error_stats_update");
      lua_pushboolean(L, 1);
      lua_rawset(L, -3);
      return;
    case Reply::Type::integer:
      lua_pushnumber(L, static_cast<lua_Number>(reply.integer));
      return;
    case Reply::Type::bulk:
      lua_pushlstring(L, reply.text.data(), reply.text.size());
      return;
    case Reply::Type::null_bulk:
    case Reply::Type::null_array:
      lua_pushboolean(L, 0);
      return;
    case Reply::Type::array:
      lua_createtable(L, static_cast<int>(reply.elements.size()), 0);
      for (std::size_t j = 0; j < reply.elements.size(); ++j) {
        lua_pushnumber(L, static_cast<lua_Number>(j + 1));
        push_reply(L, reply.elements[j], version);
        lua_rawset(L, -3);
      }
      return;
  }
}

Reply pop_reply(lua_State* L, Version version) {
  std::vector<Aggregate> open;
  std::optional<Reply> done;
  auto take = [&](std::variant<Reply, Aggregate> visited) {
    if (auto* reply = std::get_if<Reply>(&visited)) {
      done = std::move(*reply);
    } else {
      open.push_back(std::move(std::get<Aggregate>(visited)));
    }
  };
  take(visit(L, version));
  for (;;) {
    if (done) {
      if (open.empty()) return std::move(*done);
      open.back().elements.push_back(std::move(*done));
      done.reset();
    }
    Aggregate& aggregate = open.back();
    if (push_next(L, aggregate)) {
      take(visit(L, version));
      continue;
    }
    lua_pop(L, aggregate.pops);
    done = Reply::array(std::move(aggregate.elements));
    open.pop_back();
  }
}

std::string number_argument(double value) {
  // "%.17g" prints an integral value below 10^15 as its plain digits (and -0 as "-0"), which
  // to_chars gives far cheaper; everything else goes through the printf Redis uses.
  if (value == std::trunc(value) && std::fabs(value) < 1e15 && !(value == 0 && std::signbit(value))) {
    char digits[24];
    auto done = std::to_chars(digits, digits + sizeof digits, static_cast<std::int64_t>(value));
    return std::string(digits, done.ptr);
  }
  char text[64];
  int length = std::snprintf(text, sizeof text, "%.17g", value);
  return std::string(text, static_cast<std::size_t>(length));
}

std::int64_t truncate_to_int64(double value) {
  constexpr double limit = 9223372036854775808.0;  // 2^63
  if (!(value >= -limit && value < limit)) return std::numeric_limits<std::int64_t>::min();
  return static_cast<std::int64_t>(value);
}

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\r' || c == '\n') c = ' ';
  }
  return text;
}

std::string trim_line_breaks(const std::string& text) {
  std::size_t first = text.find_first_not_of("\r\n");
  if (first == std::string::npos) return {};
  std::size_t last = text.find_last_not_of("\r\n");
  return text.substr(first, last - first + 1);
}

}  // namespace redis::lua
