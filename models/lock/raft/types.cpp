#include "models/lock/raft/types.hpp"

namespace lock::raft {

const char* to_string(Role role) {
  switch (role) {
    case Role::follower: return "follower";
    case Role::candidate: return "candidate";
    case Role::leader: return "leader";
  }
  return "?";
}

}  // namespace lock::raft
