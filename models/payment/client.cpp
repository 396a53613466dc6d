// The clients: each places its orders one after another, and retries an order with the same
// idempotency key after a timeout, a 409 or a 500, `retry_after` later, until `retry_horizon`
// has passed since its first submission. A 200 or a 400 is final. With `double_submit`, each
// order is also submitted a second time, concurrently, as a double click does.
// With `rate` the orders arrive open-loop instead: a Poisson process drawn on client-1 (the
// stream "arrivals"), each order placed by the next client in turn and submitted as above, so the
// load does not slow down when the payments do. Its rate is piecewise constant over each day
// (daily_peak times the mean within the peak window around noon), and a draw that would cross a
// change of rate is drawn again from the change, which the memorylessness of the process allows.
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/this_coro.hpp>

#include "models/payment/context.hpp"
#include "sim/kernel/distribution.hpp"
#include "sim/kernel/rpc.hpp"
#include "sim/kernel/spawn.hpp"
#include "sim/kernel/timer.hpp"

namespace payment {
namespace {

Answer answer_of(const Order& order, int client, int attempt, const PayResponse* response, sim::Instant at) {
  Answer answer{at, client, order.key, order.order, order.amount, attempt, 0, "timeout", 0, false, 0};
  if (response == nullptr) return answer;
  answer.code = response->code;
  answer.error = response->error;
  answer.payment_id = response->payment_id;
  answer.approved = response->approved;
  answer.answered_amount = response->amount;
  return answer;
}

/// Submits order `index` until a final answer or the retry horizon; `second`: the double click's.
sim::Task<void> submit(std::shared_ptr<Context> context, int client, std::size_t index, bool second) {
  sim::Executor ex = co_await boost::asio::this_coro::executor;
  sim::World& world = context->world;
  const PaymentOptions& options = context->options;
  sim::NodeId api = context->api[static_cast<std::size_t>(client % options.api_servers)];
  sim::Instant first = world.now();
  for (int attempt = 1;; ++attempt) {
    Order snapshot = context->observations.orders[index];
    auto request = std::make_shared<PayRequest>();
    request->key = snapshot.key;
    request->order = snapshot.order;
    request->amount = snapshot.amount;
    request->attempt = attempt;
    ++context->observations.orders[index].attempts;
    sim::error_code ec;
    sim::MessagePtr reply = co_await world.rpc().call(ex, api, std::move(request), options.client_timeout,
                                                      boost::asio::redirect_error(sim::use_awaitable, ec));
    const auto* response = ec ? nullptr : dynamic_cast<const PayResponse*>(reply.get());
    context->observations.answers.push_back(answer_of(snapshot, client, attempt, response, world.now()));
    Order& order = context->observations.orders[index];
    if (response != nullptr && (response->code == 200 || response->code == 400)) {
      if (!order.done) {
        order.done = world.now();
        world.record_latency(attempt == 1 && !second ? "payment" : "payment_retried", world.now() - first);
      }
      co_return;
    }
    if (world.now() - first + options.retry_after > options.retry_horizon) {
      if (!order.done && !order.gave_up) {
        order.gave_up = true;
        world.record_latency("payment_in_doubt", world.now() - first);
      }
      co_return;
    }
    co_await sim::sleep(options.retry_after);
  }
}

sim::Task<void> double_click(std::shared_ptr<Context> context, int client, std::size_t index) {
  co_await sim::sleep(*context->options.double_submit);
  co_await submit(context, client, index, true);
}

sim::Task<void> run_client(std::shared_ptr<Context> context, int client) {
  const PaymentOptions& options = context->options;
  co_await sim::sleep(options.start + options.stagger * client);
  std::int64_t base = std::int64_t{client + 1} * 1'000'000;
  for (int j = 0; j < options.requests; ++j) {
    Order order;
    order.client = client;
    order.order = base + j + 1;
    order.key = options.reuse_key && j > 0 ? base + 1 : order.order;
    order.amount = options.reuse_key && j > 0 ? options.reused_amount : options.amount;
    order.sent = context->world.now();
    context->observations.orders.push_back(order);
    std::size_t index = context->observations.orders.size() - 1;
    if (options.double_submit)
      sim::spawn(context->world.executor(context->clients[static_cast<std::size_t>(client)]),
                 double_click(context, client, index));
    co_await submit(context, client, index, false);
    co_await sim::sleep(options.interval);
  }
}

/// Places the n-th order (from 0) of the open-loop arrivals with the next client in turn.
void place(const std::shared_ptr<Context>& context, std::int64_t n) {
  const PaymentOptions& options = context->options;
  int client = static_cast<int>(n % options.clients);
  Order order;
  order.client = client;
  order.order = std::int64_t{client + 1} * 1'000'000 + n / options.clients + 1;
  order.key = order.order;
  order.amount = options.amount;
  order.sent = context->world.now();
  context->observations.orders.push_back(order);
  std::size_t index = context->observations.orders.size() - 1;
  sim::Executor ex = context->world.executor(context->clients[static_cast<std::size_t>(client)]);
  sim::spawn(ex, submit(context, client, index, false));
  if (options.double_submit) sim::spawn(ex, double_click(context, client, index));
}

/// The arrival process's mean gap at true time `at`, and when that rate next changes.
std::pair<double, sim::Instant> arrival_gap(const PaymentOptions& options, sim::Instant at) {
  const sim::Duration day = sim::Duration::minutes(24 * 60);
  const std::int64_t day_ns = day.ns();
  std::int64_t phase = (at - sim::Instant::zero()).ns() % day_ns;
  sim::Instant day_start = at - sim::Duration::nanoseconds(phase);
  std::int64_t window = options.peak_window.ns();
  std::int64_t peak_from = (day_ns - window) / 2;
  std::int64_t peak_to = peak_from + window;
  auto mean = static_cast<double>(options.rate->mean_interval().ns());
  if (options.daily_peak == 1) return {mean, at + day};
  double peak = static_cast<double>(options.daily_peak);
  if (phase >= peak_from && phase < peak_to) return {mean / peak, day_start + sim::Duration::nanoseconds(peak_to)};
  double off = mean * static_cast<double>(day_ns - window) / (static_cast<double>(day_ns) - peak * window);
  std::int64_t change = phase < peak_from ? peak_from : day_ns;
  return {off, day_start + sim::Duration::nanoseconds(change)};
}

sim::Task<void> run_arrivals(std::shared_ptr<Context> context) {
  const PaymentOptions& options = context->options;
  sim::World& world = context->world;
  if (!context->arrival_rng) context->arrival_rng = world.rng("payment/arrivals");
  if (world.now() < sim::Instant::zero() + options.start)
    co_await sim::sleep(sim::Instant::zero() + options.start - world.now());
  while (context->arrivals_placed < options.orders) {
    auto [mean, change] = arrival_gap(options, world.now());
    auto gap =
        sim::Duration::nanoseconds(static_cast<std::int64_t>(sim::sample_exponential(*context->arrival_rng, mean)));
    if (world.now() + gap >= change) {
      co_await sim::sleep(change - world.now());
      continue;
    }
    co_await sim::sleep(gap);
    place(context, context->arrivals_placed++);
  }
}

}  // namespace

void boot_client(const std::shared_ptr<Context>& context, int index) {
  sim::Executor ex = context->world.executor(context->clients[static_cast<std::size_t>(index)]);
  if (!context->options.rate)
    sim::spawn(ex, run_client(context, index));
  else if (index == 0)
    sim::spawn(ex, run_arrivals(context));
}

}  // namespace payment
