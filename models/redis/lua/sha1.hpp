// SHA-1 (FIPS 180-4), as Redis uses it to name scripts: EVAL caches a script under the SHA-1 of
// its body, EVALSHA and SCRIPT EXISTS look it up, and redis.sha1hex exposes it to Lua.
//
// Determinism: a pure function of its input.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace redis {

using Sha1Digest = std::array<std::uint8_t, 20>;

Sha1Digest sha1(std::string_view data);
/// The digest as 40 lowercase hex digits, the form Redis prints.
std::string sha1_hex(std::string_view data);

}  // namespace redis
