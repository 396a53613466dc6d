// A lock client: the spec's DistributedLock in use. Each round it acquires (retrying after
// U[0, retry_delay) until acquire_timeout), then does read-modify-write work on the storage
// under the lock (claiming it first for cas storage; renewing every TTL/3 when extend is on;
// checking its validity before writing when check_validity is on), writes with its fencing
// token, releases, and thinks. A crash ends the round; the restarted process starts afresh.
#pragma once

#include <memory>

#include "models/lock/context.hpp"
#include "models/lock/design.hpp"
#include "models/lock/storage.hpp"

namespace lock {

class Client {
public:
  /// The client node's boot code.
  static void boot(const std::shared_ptr<Context>& context, int index);

  Client(std::shared_ptr<Context> context, int index);

private:
  sim::Task<void> run();
  sim::Task<void> round();
  /// Works for the sampled time, renewing when extend is on. False if a renewal failed.
  sim::Task<bool> work(Acquired& lock, std::uint64_t epoch);
  sim::Task<void> storage(StorageRequest::Op op, std::uint64_t epoch, const Acquired& lock);

  std::shared_ptr<Context> context_;
  ClientIo io_;
  std::unique_ptr<LockDesign> design_;
};

}  // namespace lock
