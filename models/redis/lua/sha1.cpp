#include "models/redis/lua/sha1.hpp"

#include <bit>

namespace redis {

namespace {

constexpr std::size_t block_bytes = 64;

struct Sha1State {
  std::array<std::uint32_t, 5> h{0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0};

  void compress(const std::uint8_t* block) {
    std::array<std::uint32_t, 80> w{};
    for (std::size_t t = 0; t < 16; ++t) {
      w[t] = (std::uint32_t{block[4 * t]} << 24) | (std::uint32_t{block[4 * t + 1]} << 16) |
             (std::uint32_t{block[4 * t + 2]} << 8) | std::uint32_t{block[4 * t + 3]};
    }
    for (std::size_t t = 16; t < 80; ++t) w[t] = std::rotl(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);

    auto [a, b, c, d, e] = h;
    for (std::size_t t = 0; t < 80; ++t) {
      std::uint32_t f = 0;
      std::uint32_t k = 0;
      if (t < 20) {
        f = (b & c) | (~b & d);
        k = 0x5A827999;
      } else if (t < 40) {
        f = b ^ c ^ d;
        k = 0x6ED9EBA1;
      } else if (t < 60) {
        f = (b & c) | (b & d) | (c & d);
        k = 0x8F1BBCDC;
      } else {
        f = b ^ c ^ d;
        k = 0xCA62C1D6;
      }
      std::uint32_t next = std::rotl(a, 5) + f + e + k + w[t];
      e = d;
      d = c;
      c = std::rotl(b, 30);
      b = a;
      a = next;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
  }
};

}  // namespace

Sha1Digest sha1(std::string_view data) {
  Sha1State state;
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(data.data());
  std::size_t whole = data.size() - data.size() % block_bytes;
  for (std::size_t offset = 0; offset < whole; offset += block_bytes) state.compress(bytes + offset);

  // The tail, a 0x80 byte, zeros, and the message length in bits as a big-endian 64-bit number:
  // one block if the length still fits after the tail, two otherwise.
  std::array<std::uint8_t, 2 * block_bytes> last{};
  std::size_t tail = data.size() - whole;
  for (std::size_t i = 0; i < tail; ++i) last[i] = bytes[whole + i];
  last[tail] = 0x80;
  std::size_t last_size = tail + 1 + 8 <= block_bytes ? block_bytes : 2 * block_bytes;
  std::uint64_t bit_length = static_cast<std::uint64_t>(data.size()) * 8;
  for (std::size_t i = 0; i < 8; ++i) last[last_size - 1 - i] = static_cast<std::uint8_t>(bit_length >> (8 * i));
  for (std::size_t offset = 0; offset < last_size; offset += block_bytes) state.compress(last.data() + offset);

  Sha1Digest digest{};
  for (std::size_t i = 0; i < 5; ++i) {
    for (std::size_t j = 0; j < 4; ++j) digest[4 * i + j] = static_cast<std::uint8_t>(state.h[i] >> (24 - 8 * j));
  }
  return digest;
}

std::string sha1_hex(std::string_view data) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(40);
  for (std::uint8_t byte : sha1(data)) {
    hex += digits[byte >> 4];
    hex += digits[byte & 0xF];
  }
  return hex;
}

}  // namespace redis
