#include "models/postgres/server/wal.hpp"

#include <fmt/format.h>
#include <optional>

#include "models/postgres/server/node_timer.hpp"
#include "sim/kernel/assert.hpp"

namespace postgres {

Wal::Wal(sim::World& world, sim::NodeId node, const ServerOptions& options,
         std::function<void(std::uint64_t)> on_flushed)
    : world_(world),
      node_(node),
      incarnation_(world.node(node).incarnation()),
      options_(options),
      on_flushed_(std::move(on_flushed)),
      fsync_rng_(world.rng("postgres/" + world.node(node).name() + "/fsync")
                     .derive("incarnation/" + std::to_string(incarnation_))) {}

std::string Wal::disk_key(std::uint64_t lsn) { return fmt::format("postgres/wal/{:012}", lsn); }

std::vector<CommitRecord> Wal::recover() {
  std::vector<CommitRecord> records;
  const sim::Disk& disk = world_.node(node_).disk();
  while (std::optional<std::string> text = disk.read(disk_key(records.size() + 1))) {
    ends_.push_back(bytes(records.size()) + text->size());
    records.push_back(decode(*text));
  }
  appended_ = flushed_ = records.size();
  return records;
}

std::uint64_t Wal::append(const CommitRecord& record) {
  std::string text = encode(record);
  ends_.push_back(bytes(appended_) + text.size());
  buffers_.emplace_back(++appended_, std::move(text));
  return appended_;
}

void Wal::write_received(std::uint64_t lsn, std::string text) {
  SIM_ASSERT(lsn == appended_ + 1 && buffers_.empty(), "a standby wrote a record out of order");
  ends_.push_back(bytes(appended_) + text.size());
  appended_ = lsn;
  world_.node(node_).disk().write(disk_key(lsn), std::move(text));
}

void Wal::flush() {
  if (flushed_ == appended_ && buffers_.empty()) return;
  if (flushing_) {
    again_ = true;
    return;
  }
  start_flush();
}

void Wal::start_flush() {
  flushing_ = true;
  again_ = false;
  sim::Disk& disk = world_.node(node_).disk();
  for (auto& [lsn, text] : buffers_) disk.write(disk_key(lsn), std::move(text));
  buffers_.clear();
  std::uint64_t upto = appended_;
  after_on_node(world_, node_, incarnation_, options_.fsync_time.sample(fsync_rng_), [this, upto] {
    world_.node(node_).disk().sync();
    flushed_ = upto;
    flushing_ = false;
    if (again_) start_flush();
    on_flushed_(upto);
  });
}

}  // namespace postgres
