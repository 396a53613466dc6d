// What a standby and its primary say to each other over the kernel's network, as the streaming
// replication protocol's messages reduced to what the model needs. They travel as one-way
// messages on the FIFO link between the two nodes, so a partition or a crash loses them: the
// receiver asks again when it sees a gap or hears nothing (wal_receiver.hpp), the sender sends
// again what a standby has not confirmed (wal_sender.hpp), as TCP would retransmit.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "sim/kernel/network.hpp"

namespace postgres {

/// START_REPLICATION: a standby on `timeline` that has written every record up to `written`
/// asks to be sent what follows.
struct StartReplication final : sim::MessageBody {
  std::uint64_t timeline = 1;
  std::uint64_t written = 0;
  std::string describe() const override {
    return "START_REPLICATION timeline " + std::to_string(timeline) + " after " + std::to_string(written);
  }
};

/// XLogData: records first .. first + records.size() - 1 of the sender's WAL, as its disk holds
/// them, on the sender's timeline. `refused`: the standby's history left the sender's before the
/// point it asked from (its WAL diverged: it would need pg_rewind), so nothing is sent.
struct WalData final : sim::MessageBody {
  std::uint64_t timeline = 1;
  std::uint64_t first = 0;
  std::vector<std::string> records;
  bool refused = false;
  std::string describe() const override;
};

/// The standby status update: how far the standby has written (to its kernel), flushed (to its
/// disk) and replayed (visible to its readers).
struct StandbyStatus final : sim::MessageBody {
  std::uint64_t written = 0;
  std::uint64_t flushed = 0;
  std::uint64_t applied = 0;
  std::string describe() const override {
    return "status write " + std::to_string(written) + " flush " + std::to_string(flushed) + " apply " +
           std::to_string(applied);
  }
};

}  // namespace postgres
