#include "models/ratelimiter/algorithms/local_algorithm.hpp"

namespace ratelimiter {

std::unique_ptr<LocalAlgorithm> make_local_algorithm(Algorithm algorithm, std::uint32_t key_count) {
  switch (algorithm) {
    case Algorithm::token_bucket: return make_token_bucket(key_count);
    case Algorithm::leaky_bucket: return make_leaky_bucket(key_count);
    case Algorithm::fixed_window: return make_fixed_window(key_count);
    case Algorithm::sliding_window_log: return make_sliding_window_log(key_count);
    case Algorithm::sliding_window_counter: return make_sliding_window_counter(key_count);
  }
  return nullptr;
}

}  // namespace ratelimiter
