// The protected resource: one node holding a value that clients read and overwrite while they
// believe they hold the lock, in one of the reference's four shapes (section 4.0) minus the
// etcd-style transaction guard, which needs the consensus store:
//   plain   accepts every write;
//   fenced  accepts a write whose token is >= the highest seen, then raises the highest seen
//           (>= lets one holder write several times);
//   cas     antirez's random check-and-set: claim(value) makes `value` the owner; a write is
//           accepted only while its value is the owner.
// Every decision is reported to the recorder with the writer's grant epoch, which the storage
// does not use.
//
// Simplification: the storage is a durable database. Its state survives a crash of its node
// (as if every write were fsynced before the reply).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "models/lock/options.hpp"
#include "sim/kernel/network.hpp"

namespace lock {

struct Context;

struct StorageRequest final : sim::MessageBody {
  enum class Op { claim, read, write };
  Op op = Op::read;
  int client = 0;
  std::uint64_t epoch = 0;  ///< for the recorder only
  std::int64_t token = 0;
  std::string value;
  std::string describe() const override;
};

struct StorageResponse final : sim::MessageBody {
  bool accepted = true;
  std::int64_t version = 0;
  std::string reason;
  std::string describe() const override;
};

struct StorageState {
  std::int64_t highest_token = 0;  ///< fenced
  std::string owner;               ///< cas
  std::int64_t version = 0;        ///< accepted writes so far
};

/// The storage's verdict on a write (updating `state` when it accepts), and why, in words.
std::pair<bool, std::string> decide(StorageKind kind, StorageState& state, const StorageRequest& write);

/// The storage node's boot code: serves requests against the durable state in the context.
void boot_storage(const std::shared_ptr<Context>& context, const std::shared_ptr<StorageState>& state);

}  // namespace lock
