#include "models/ratelimiter/observations.hpp"

namespace ratelimiter {

const char* to_string(Path path) {
  switch (path) {
    case Path::local: return "local";
    case Path::redis: return "redis";
    case Path::hybrid: return "hybrid";
    case Path::hybrid_stale: return "hybrid_stale";
    case Path::fallback: return "fallback";
    case Path::fail_open: return "fail_open";
    case Path::fail_closed: return "fail_closed";
  }
  return "?";
}

bool without_redis(Path path) {
  return path == Path::hybrid_stale || path == Path::fallback || path == Path::fail_open || path == Path::fail_closed;
}

const char* to_string(RejectedBy by) {
  switch (by) {
    case RejectedBy::none: return "none";
    case RejectedBy::user_key: return "user_key";
    case RejectedBy::ip_key: return "ip_key";
    case RejectedBy::no_redis: return "no_redis";
  }
  return "?";
}

}  // namespace ratelimiter
