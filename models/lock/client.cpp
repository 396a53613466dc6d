#include "models/lock/client.hpp"

#include <boost/asio/redirect_error.hpp>

#include <algorithm>

#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"

namespace lock {

void Client::boot(const std::shared_ptr<Context>& context, int index) {
  sim::NodeId node = context->clients.at(static_cast<std::size_t>(index));
  auto client = std::make_shared<Client>(context, index);
  Client* raw = client.get();
  context->world.node(node).set_process(std::move(client));
  sim::spawn(context->world.executor(node), raw->run());
}

Client::Client(std::shared_ptr<Context> context, int index)
    : context_(std::move(context)),
      io_{*context_, context_->world.executor(context_->clients.at(static_cast<std::size_t>(index))),
          context_->clients.at(static_cast<std::size_t>(index)), index,
          context_->world.rng("lock/" + context_->options.client_name(index))
              .derive("incarnation/" +
                      std::to_string(
                          context_->world.node(context_->clients.at(static_cast<std::size_t>(index))).incarnation()))},
      design_(make_design(*context_, context_->clients.at(static_cast<std::size_t>(index)))) {}

sim::Task<void> Client::run() {
  const LockOptions& options = context_->options;
  // A restarted client starts again at once; the first incarnation waits for its turn.
  if (context_->world.node(io_.node).incarnation() == 0)
    co_await sim::sleep(options.start + options.stagger * io_.index);
  for (int done = 0; !options.operations || done < *options.operations; ++done) {
    co_await round();
    co_await sim::sleep(options.think.sample(io_.rng));
  }
}

sim::Task<void> Client::round() {
  const LockOptions& options = context_->options;
  Recorder& recorder = *context_->recorder;
  std::size_t attempt = recorder.attempt_started(io_.index);
  io_.attempt = attempt;
  sim::MonoTime deadline = io_.mono_now() + options.acquire_timeout;
  std::optional<Acquired> lock;
  for (;;) {
    lock = co_await design_->try_acquire(io_);
    if (lock || io_.mono_now() >= deadline) break;
    co_await sim::sleep(retry_pause(io_));
  }
  if (!lock) {
    recorder.attempt_gave_up(attempt);
    co_return;
  }
  recorder.attempt_acquired(attempt);
  std::uint64_t epoch = lock->epoch;  // the design told the recorder when the client came to believe

  if (options.storage == StorageKind::cas) co_await storage(StorageRequest::Op::claim, epoch, *lock);
  if (options.storage != StorageKind::txn) co_await storage(StorageRequest::Op::read, epoch, *lock);
  // The awaited result goes to a local first: g++ 12 miscompiles co_await inside a condition.
  bool kept = co_await work(*lock, epoch);
  if (!kept) {
    recorder.ended(epoch, "gave up: a renewal failed, so it did not write");
  } else if (options.check_validity && !design_->still_valid(io_, *lock)) {
    recorder.ended(epoch, "gave up: its validity had passed by its own clock, so it did not write");
  } else {
    if (options.storage == StorageKind::txn) co_await design_->guarded_write(io_, *lock, epoch);
    else co_await storage(StorageRequest::Op::write, epoch, *lock);
    recorder.ended(epoch, "released");
  }
  co_await design_->release(io_, *lock);
}

sim::Task<bool> Client::work(Acquired& lock, std::uint64_t epoch) {
  const LockOptions& options = context_->options;
  sim::Duration remaining = options.work.sample(io_.rng);
  while (remaining > sim::Duration::zero()) {
    sim::Duration step = options.extend ? std::min(remaining, options.ttl / 3) : remaining;
    co_await sim::sleep(step);
    remaining = remaining - step;
    if (!options.extend || remaining <= sim::Duration::zero()) continue;
    // "The number of extensions must be limited": past the limit the lock is let go.
    if (lock.extensions >= options.max_extensions) co_return false;
    ++lock.extensions;
    bool extended = co_await design_->extend(io_, lock);
    if (!extended) co_return false;
    context_->recorder->extended(epoch, io_.when_mono(lock.valid_until), lock.holders);
  }
  co_return true;
}

sim::Task<void> Client::storage(StorageRequest::Op op, std::uint64_t epoch, const Acquired& lock) {
  auto request = std::make_shared<StorageRequest>();
  request->op = op;
  request->client = io_.index;
  request->epoch = epoch;
  request->token = lock.token;
  request->value = lock.value;
  sim::error_code ec;
  co_await context_->world.rpc().call(io_.ex, context_->storage, std::move(request), context_->options.storage_timeout,
                                      boost::asio::redirect_error(sim::use_awaitable, ec));
}

}  // namespace lock
