// The Lua state a script runs in, set up as Redis sets up its own: the base, table, string and
// math libraries, minus what Redis removes; the redis library; and a global table that scripts
// can read but not change, with library tables likewise read-only.
//
// Redis patches its Lua with read-only tables. Stock Lua 5.1 has none, so here every protected
// table is an empty proxy whose metatable reads through to the real table and refuses writes,
// and the functions that bypass metatables (rawset, rawget, next, pairs, setmetatable,
// getmetatable) are redone to see through proxies. The proxy of the globals is the
// thread's global table, so scripts, loadstring and coroutines all use it.
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <utility>

#include "models/redis/lua/lua_runtime.hpp"
#include "models/redis/lua/plain_number.hpp"
#include "sim/kernel/assert.hpp"

namespace redis::lua {

namespace {

constexpr const char* protected_key = "designsim.protected";  // proxy -> the table it guards
constexpr const char* global_metatable_key = "designsim.global_metatable";
constexpr const char* readonly_message = "Attempt to modify a readonly table";

// Lua's allocator, counting bytes against the memory limit. Growth past the limit fails, which
// Lua reports as "not enough memory"; shrinking never fails.
void* allocate(void* user_data, void* block, std::size_t old_size, std::size_t new_size) {
  auto& runtime = *static_cast<Runtime*>(user_data);
  if (new_size == 0) {
    std::free(block);
    runtime.memory_used -= old_size;
    return nullptr;
  }
  if (new_size > old_size && runtime.memory_used - old_size + new_size > runtime.options.memory_limit_bytes) {
    return nullptr;
  }
  void* resized = std::realloc(block, new_size);
  if (resized != nullptr) runtime.memory_used = runtime.memory_used - old_size + new_size;
  return resized;
}

int panic(lua_State* L) {
  const char* message = lua_tostring(L, -1);
  throw sim::InternalError(std::string("Lua error outside a protected call: ") + (message ? message : "?"));
}

// The table a proxy guards, or the value itself when it is no proxy; replaces `index`.
void see_through(lua_State* L, int index) {
  lua_getfield(L, LUA_REGISTRYINDEX, protected_key);
  lua_pushvalue(L, index);
  lua_rawget(L, -2);
  if (lua_isnil(L, -1)) {
    lua_pop(L, 2);
    return;
  }
  lua_replace(L, index);
  lua_pop(L, 1);
}

int refuse_write(lua_State* L) { return luaL_error(L, readonly_message); }

// luaProtectedTableError (Redis 7.0): the __index of the real global table, reached only for a
// name it lacks, and the __index scripts see in getmetatable(_G), which raises whatever it is
// asked for, as Redis's does.
int protected_table_error(lua_State* L) {
  if (lua_gettop(L) != 2) return luaL_error(L, "Wrong number of arguments to luaProtectedTableError");
  if (!lua_isstring(L, -1))
    return luaL_error(L, "Second argument to luaProtectedTableError must be a string or number");
  return luaL_error(L, "Script attempted to access nonexistent global variable '%s'", lua_tostring(L, -1));
}

// The base library's functions that bypass metatables, redone to respect the proxies. They are
// rewritten rather than delegated so that argument errors name them and carry the script's
// line, as the originals' do.

int guarded_rawset(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  luaL_checkany(L, 3);
  if (is_protected(L, 1)) {
    lua_pushstring(L, readonly_message);
    return lua_error(L);
  }
  lua_settop(L, 3);
  lua_rawset(L, 1);
  return 1;
}

int guarded_rawget(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_checkany(L, 2);
  see_through(L, 1);
  lua_settop(L, 2);
  lua_rawget(L, 1);
  return 1;
}

int guarded_next(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  see_through(L, 1);
  lua_settop(L, 2);
  if (lua_next(L, 1)) return 2;
  lua_pushnil(L);
  return 1;
}

int guarded_pairs(lua_State* L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushvalue(L, 1);
  lua_pushnil(L);
  return 3;
}

int guarded_setmetatable(lua_State* L) {
  int type = lua_type(L, 2);
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argcheck(L, type == LUA_TNIL || type == LUA_TTABLE, 2, "nil or table expected");
  if (is_protected(L, 1)) {
    lua_pushstring(L, readonly_message);
    return lua_error(L);
  }
  if (luaL_getmetafield(L, 1, "__metatable")) luaL_error(L, "cannot change a protected metatable");
  lua_settop(L, 2);
  lua_setmetatable(L, 1);
  return 1;
}

// The globals' metatable as scripts see it (a read-only {__index = ...}); library tables have
// none.
int guarded_getmetatable(lua_State* L) {
  luaL_checkany(L, 1);
  if (is_protected(L, 1)) {
    if (lua_rawequal(L, 1, LUA_GLOBALSINDEX)) {
      lua_getfield(L, LUA_REGISTRYINDEX, global_metatable_key);
    } else {
      lua_pushnil(L);
    }
    return 1;
  }
  if (!lua_getmetatable(L, 1)) {
    lua_pushnil(L);
    return 1;
  }
  luaL_getmetafield(L, 1, "__metatable");
  return 1;
}

int ignore_print(lua_State*) { return 0; }

// tostring with a stable stand-in for an address. Lua prints a table, function, coroutine or
// userdata as "table: 0x55d0c8a1b2c0", its address in this process, which would make a
// script's reply differ from run to run. Here each such object gets a number, in the order
// scripts first print them (upvalue 2 holds the last one given, upvalue 3 a weak table of those
// given), so the same run prints the same text. Everything else goes to Lua's own tostring
// (upvalue 1), __tostring included.
int stable_tostring(lua_State* L) {
  luaL_checkany(L, 1);
  int type = lua_type(L, 1);
  bool addressed = type == LUA_TTABLE || type == LUA_TFUNCTION || type == LUA_TTHREAD || type == LUA_TUSERDATA ||
                   type == LUA_TLIGHTUSERDATA;
  if (!addressed || luaL_getmetafield(L, 1, "__tostring")) {
    if (addressed) lua_pop(L, 1);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    return 1;
  }
  lua_pushvalue(L, 1);
  lua_rawget(L, lua_upvalueindex(3));
  if (lua_isnil(L, -1)) {
    lua_pop(L, 1);
    lua_Number number = lua_tonumber(L, lua_upvalueindex(2)) + 1;
    lua_pushnumber(L, number);
    lua_replace(L, lua_upvalueindex(2));
    lua_pushvalue(L, 1);
    lua_pushnumber(L, number);
    lua_rawset(L, lua_upvalueindex(3));
    lua_pushnumber(L, number);
  }
  auto id = static_cast<unsigned long>(lua_tonumber(L, -1));
  char text[64];
  std::snprintf(text, sizeof text, "%s: 0x%08lx", luaL_typename(L, 1), id);
  lua_pushstring(L, text);
  return 1;
}

void install_stable_tostring(lua_State* L) {
  lua_getfield(L, -1, "tostring");
  lua_pushnumber(L, 0);
  lua_newtable(L);
  lua_newtable(L);
  lua_pushstring(L, "k");
  lua_setfield(L, -2, "__mode");
  lua_setmetatable(L, -2);
  lua_pushcclosure(L, stable_tostring, 3);
  lua_setfield(L, -2, "tostring");
}

// Lua 5.1's tonumber, with plain decimal strings converted without strtod (plain_number.hpp).
// Everything else is what the base library's tonumber does: base 10 through lua_isnumber and
// lua_tonumber, another base through strtoul, errors raised from this function, so they name
// 'tonumber' as Lua's own do. Scripts convert their ARGV and HMGET replies with it several
// times a run, and Lua parses each string twice with strtod (lua_isnumber, then lua_tonumber).
int plain_tonumber(lua_State* L) {
  int base = luaL_optint(L, 2, 10);
  if (base == 10) {
    luaL_checkany(L, 1);
    if (lua_type(L, 1) == LUA_TSTRING) {
      std::size_t length = 0;
      const char* text = lua_tolstring(L, 1, &length);
      if (auto number = plain_decimal(text, length)) {
        lua_pushnumber(L, *number);
        return 1;
      }
    }
    if (lua_isnumber(L, 1)) {
      lua_pushnumber(L, lua_tonumber(L, 1));
      return 1;
    }
  } else {
    const char* text = luaL_checkstring(L, 1);
    luaL_argcheck(L, 2 <= base && base <= 36, 2, "base out of range");
    char* end = nullptr;
    unsigned long number = std::strtoul(text, &end, base);
    if (end != text) {
      while (std::isspace(static_cast<unsigned char>(*end))) ++end;
      if (*end == '\0') {
        lua_pushnumber(L, static_cast<lua_Number>(number));
        return 1;
      }
    }
  }
  lua_pushnil(L);
  return 1;
}

void set_global(lua_State* L, const char* name, lua_CFunction function) {
  lua_pushcfunction(L, function);
  lua_setfield(L, -2, name);
}

void remove_global(lua_State* L, const char* name) {
  lua_pushnil(L);
  lua_setfield(L, -2, name);
}

// Pushes an empty proxy guarding the table at `index` (a stack index, not a pseudo-index):
// writes to it fail; set_reader says where its reads go.
void push_proxy(lua_State* L, int index) {
  int guarded = index > 0 ? index : lua_gettop(L) + index + 1;
  lua_newtable(L);
  lua_newtable(L);
  lua_pushcfunction(L, refuse_write);
  lua_setfield(L, -2, "__newindex");
  lua_setmetatable(L, -2);
  lua_getfield(L, LUA_REGISTRYINDEX, protected_key);
  lua_pushvalue(L, -2);
  lua_pushvalue(L, guarded);
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

// Stack: proxy, reader (the guarded table, or a function) -> proxy.
void set_reader(lua_State* L) {
  lua_getmetatable(L, -2);
  lua_insert(L, -2);
  lua_setfield(L, -2, "__index");
  lua_pop(L, 1);
}

void open_library(lua_State* L, const char* name, lua_CFunction open) {
  lua_pushcfunction(L, open);
  lua_pushstring(L, name);
  lua_call(L, 1, 0);
}

void remove_unsupported(lua_State* L, Version version) {
  remove_global(L, "dofile");
  remove_global(L, "loadfile");
  if (version == Version::v7_0) {
    for (const char* name : {"print", "getfenv", "setfenv", "newproxy"}) remove_global(L, name);
  } else {
    set_global(L, "print", ignore_print);
  }
}

// Replaces each library table in the globals (on top) with its proxy; strings' methods come
// from the string proxy too, as getmetatable('').__index == string holds in Redis.
void protect_libraries(lua_State* L) {
  for (const char* name : {"string", "math", "table", "coroutine", "redis"}) {
    lua_getfield(L, -1, name);
    push_proxy(L, -1);
    lua_pushvalue(L, -2);
    set_reader(L);
    lua_setfield(L, -3, name);
    lua_pop(L, 1);
  }
  lua_pushstring(L, "");
  lua_getmetatable(L, -1);
  lua_getfield(L, -3, "string");
  lua_setfield(L, -2, "__index");
  lua_pop(L, 2);
}

// Makes a proxy of the globals (on top) the thread's global table. The proxy reads through
// to the real table itself, not through a function, so a global that exists is found inside
// the Lua VM with no C call (Redis's patched Lua reads its read-only globals as directly); only
// a name the real table lacks reaches its own metatable's __index, which raises Redis's error.
void protect_globals(lua_State* L) {
  lua_newtable(L);
  lua_pushcfunction(L, protected_table_error);
  lua_setfield(L, -2, "__index");
  lua_setmetatable(L, -2);

  push_proxy(L, -1);
  lua_pushvalue(L, -2);
  set_reader(L);

  // What getmetatable(_G) shows scripts: a read-only {__index = <the error function>}.
  lua_newtable(L);
  lua_pushcfunction(L, protected_table_error);
  lua_setfield(L, -2, "__index");
  push_proxy(L, -1);
  lua_pushvalue(L, -2);
  set_reader(L);
  lua_setfield(L, LUA_REGISTRYINDEX, global_metatable_key);
  lua_pop(L, 1);

  lua_pushvalue(L, -1);
  lua_setfield(L, -3, "_G");
  lua_replace(L, LUA_GLOBALSINDEX);
}

// What protected_call hands the function it enters through.
struct ProtectedEntry {
  lua_CFunction entry;
  void* data;
};

// The function protected_call enters through: puts the data where the entry expects it, its
// only argument, and runs the entry in this protected frame.
int enter_protected(lua_State* L) {
  const auto& call = *static_cast<const ProtectedEntry*>(lua_touserdata(L, 1));
  lua_pushlightuserdata(L, call.data);
  lua_replace(L, 1);
  return call.entry(L);
}

int build_sandbox(lua_State* L) {
  Runtime& runtime = runtime_of(L);
  open_library(L, "", luaopen_base);
  open_library(L, LUA_TABLIBNAME, luaopen_table);
  open_library(L, LUA_STRLIBNAME, luaopen_string);
  open_library(L, LUA_MATHLIBNAME, luaopen_math);
  open_library(L, LUA_DBLIBNAME, luaopen_debug);

  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, protected_key);
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_pushvalue(L, -1);
  runtime.refs.globals = luaL_ref(L, LUA_REGISTRYINDEX);
  for (auto [ref, name] : {std::pair{&runtime.refs.keys, "KEYS"}, std::pair{&runtime.refs.argv, "ARGV"},
                           std::pair{&runtime.refs.handler, "__redis__err__handler"}}) {
    lua_pushstring(L, name);
    *ref = luaL_ref(L, LUA_REGISTRYINDEX);
  }
  lua_pushcfunction(L, enter_protected);
  runtime.refs.protected_entry = luaL_ref(L, LUA_REGISTRYINDEX);
  install_stable_tostring(L);
  set_global(L, "tonumber", plain_tonumber);

  remove_unsupported(L, runtime.version);
  register_api(L, runtime.version);
  set_global(L, "rawset", guarded_rawset);
  set_global(L, "rawget", guarded_rawget);
  set_global(L, "setmetatable", guarded_setmetatable);
  set_global(L, "getmetatable", guarded_getmetatable);
  set_global(L, "next", guarded_next);
  lua_getfield(L, -1, "next");
  lua_pushcclosure(L, guarded_pairs, 1);
  lua_setfield(L, -2, "pairs");

  protect_libraries(L);
  protect_globals(L);
  // The message handler was compiled while the real table was still the globals; it gets the
  // guarded ones, or 6.2's getfenv(__redis__err__handler) would hand a script the real table,
  // writable, where Redis's is its read-only _G.
  lua_getfield(L, -1, "__redis__err__handler");
  lua_pushvalue(L, LUA_GLOBALSINDEX);
  lua_setfenv(L, -2);
  lua_pop(L, 2);
  return 0;
}

}  // namespace

Runtime& runtime_of(lua_State* L) {
  void* runtime = nullptr;
  lua_getallocf(L, &runtime);
  return *static_cast<Runtime*>(runtime);
}

lua_State* open_state(Runtime& runtime) {
  lua_State* L = lua_newstate(allocate, &runtime);
  SIM_ASSERT(L != nullptr, "the Lua memory limit leaves no room for a Lua state");
  lua_atpanic(L, panic);
  int status = lua_cpcall(L, build_sandbox, nullptr);
  SIM_ASSERT(status == 0, std::string("setting up the Lua state failed: ") + lua_tostring(L, -1));
  return L;
}

int protected_call(lua_State* L, lua_CFunction entry, void* data) {
  ProtectedEntry call{entry, data};
  lua_rawgeti(L, LUA_REGISTRYINDEX, runtime_of(L).refs.protected_entry);
  lua_pushlightuserdata(L, &call);
  return lua_pcall(L, 1, 0, 0);
}

void set_global_array(lua_State* L, int name_ref, const std::vector<std::string>& items, std::size_t begin,
                      std::size_t end) {
  lua_rawgeti(L, LUA_REGISTRYINDEX, runtime_of(L).refs.globals);
  lua_rawgeti(L, LUA_REGISTRYINDEX, name_ref);
  lua_createtable(L, static_cast<int>(end - begin), 0);
  for (std::size_t i = begin; i < end; ++i) {
    lua_pushlstring(L, items[i].data(), items[i].size());
    lua_rawseti(L, -2, static_cast<int>(i - begin + 1));
  }
  lua_rawset(L, -3);
  lua_pop(L, 1);
}

void push_error_handler(lua_State* L) {
  const Runtime::Refs& refs = runtime_of(L).refs;
  lua_rawgeti(L, LUA_REGISTRYINDEX, refs.globals);
  lua_rawgeti(L, LUA_REGISTRYINDEX, refs.handler);
  lua_rawget(L, -2);
  lua_remove(L, -2);
}

bool is_protected(lua_State* L, int index) {
  if (!lua_istable(L, index)) return false;
  lua_getfield(L, LUA_REGISTRYINDEX, protected_key);
  lua_pushvalue(L, index < 0 && index > LUA_REGISTRYINDEX ? index - 1 : index);
  lua_rawget(L, -2);
  bool found = !lua_isnil(L, -1);
  lua_pop(L, 2);
  return found;
}

}  // namespace redis::lua
