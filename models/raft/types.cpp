#include "models/raft/types.hpp"

namespace raft {

const char* to_string(Role role) {
  switch (role) {
    case Role::follower: return "follower";
    case Role::candidate: return "candidate";
    case Role::leader: return "leader";
  }
  return "?";
}

}  // namespace raft
