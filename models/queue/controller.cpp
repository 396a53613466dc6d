#include "models/queue/controller.hpp"

#include <fmt/format.h>

#include "models/raft/group.hpp"
#include "sim/kernel/spawn.hpp"

namespace queue {
namespace {

class MetadataMachine final : public raft::StateMachine {
public:
  MetadataMachine(const QueueOptions& options)
      : image_(std::make_shared<ClusterImage>(
            initial_image(options.brokers, options.partitions, options.replication_factor))),
        unclean_(options.unclean_leader_election) {}

  std::string apply(raft::Index index, const std::string& command) override {
    ClusterImage next = *image_;
    if (!apply_record(next, command, unclean_)) return "rejected";
    next.version = index;
    image_ = std::make_shared<const ClusterImage>(std::move(next));
    if (on_change_) on_change_(image_);
    return "applied";
  }

  const ImagePtr& image() const { return image_; }
  void on_change(std::function<void(const ImagePtr&)> listener) { on_change_ = std::move(listener); }

private:
  ImagePtr image_;
  bool unclean_;
  std::function<void(const ImagePtr&)> on_change_;
};

// The leading member's duties; one per controller process, alive while its server is.
class Duties : public std::enable_shared_from_this<Duties> {
public:
  Duties(std::shared_ptr<Context> context, raft::Server& server, sim::NodeId self)
      : context_(std::move(context)), server_(server), self_(self),
        last_heartbeat_(context_->brokers.size()), incarnation_(context_->brokers.size()),
        proposing_(context_->brokers.size(), false) {}

  MetadataMachine& machine() { return static_cast<MetadataMachine&>(server_.machine()); }
  bool leads() { return server_.raft().leader_ready(); }

  bool serve(const sim::RpcRequest& request, sim::Responder& responder);
  void push(const ImagePtr& image);
  sim::Task<void> run_fencing();

private:
  void on_heartbeat(const BrokerHeartbeat& beat, sim::Responder& responder);
  void on_alter(const AlterPartition& alter, sim::Responder& responder);
  std::shared_ptr<ControllerReply> not_leading();
  void propose(int broker, std::string record);
  sim::Instant now() const { return context_->world.now(); }

  std::shared_ptr<Context> context_;
  raft::Server& server_;
  sim::NodeId self_;
  std::vector<sim::Instant> last_heartbeat_;
  std::vector<std::optional<std::uint32_t>> incarnation_;  ///< by broker: the one registered, as seen here
  std::vector<bool> proposing_;
  bool was_leading_ = false;
};

std::shared_ptr<ControllerReply> Duties::not_leading() {
  auto reply = std::make_shared<ControllerReply>();
  reply->hint = server_.raft().leader();
  return reply;
}

bool Duties::serve(const sim::RpcRequest& request, sim::Responder& responder) {
  if (const auto* beat = dynamic_cast<const BrokerHeartbeat*>(request.body.get())) {
    on_heartbeat(*beat, responder);
    return true;
  }
  if (const auto* alter = dynamic_cast<const AlterPartition*>(request.body.get())) {
    on_alter(*alter, responder);
    return true;
  }
  return false;
}

void Duties::on_heartbeat(const BrokerHeartbeat& beat, sim::Responder& responder) {
  if (!leads()) {
    responder.reply(not_leading());
    return;
  }
  auto b = static_cast<std::size_t>(beat.broker);
  const ImagePtr& image = machine().image();
  auto reply = std::make_shared<ControllerReply>();
  reply->leader = true;
  // ClusterControlManager.registerBroker: a new incarnation is refused while the old one's
  // session is valid (DuplicateBrokerRegistrationException); once fencing has ended that session
  // (its leaderships and ISR places gone), it registers and is unfenced.
  if (incarnation_[b] && *incarnation_[b] != beat.incarnation && !image->fenced[b]) {
    reply->refused = true;
    responder.reply(std::move(reply));
    return;
  }
  incarnation_[b] = beat.incarnation;
  last_heartbeat_[b] = now();
  if (image->fenced[b]) propose(beat.broker, unfence_record(beat.broker));
  if (!beat.has_image || image->version > beat.known_version) reply->image = image;
  responder.reply(std::move(reply));
}

void Duties::on_alter(const AlterPartition& alter, sim::Responder& responder) {
  if (!leads()) {
    responder.reply(not_leading());
    return;
  }
  std::string record = alter_record(alter.partition, alter.leader_epoch, alter.partition_epoch, alter.isr);
  auto shared = std::make_shared<sim::Responder>(std::move(responder));
  server_.raft().propose(record, [self = shared_from_this(), shared](raft::ProposeOutcome outcome) {
    auto reply = std::make_shared<ControllerReply>();
    reply->leader = outcome.status == raft::ProposeStatus::committed;
    reply->accepted = outcome.result == "applied";
    reply->hint = outcome.leader_hint;
    if (reply->leader) reply->image = self->machine().image();
    shared->reply(std::move(reply));
  });
}

void Duties::propose(int broker, std::string record) {
  auto b = static_cast<std::size_t>(broker);
  if (proposing_[b]) return;
  proposing_[b] = true;
  server_.raft().propose(std::move(record), [self = shared_from_this(), b](raft::ProposeOutcome) {
    self->proposing_[b] = false;
  });
}

void Duties::push(const ImagePtr& image) {
  if (server_.raft().role() != raft::Role::leader) return;
  for (sim::NodeId broker : context_->brokers) {
    auto message = std::make_shared<MetadataPush>();
    message->image = image;
    context_->world.network().send(self_, broker, std::move(message));
  }
}

sim::Task<void> Duties::run_fencing() {
  const QueueOptions& o = context_->options;
  for (;;) {
    co_await sim::sleep(sim::Duration::milliseconds(250));
    bool leading = leads();
    if (leading && !was_leading_) std::fill(last_heartbeat_.begin(), last_heartbeat_.end(), now());
    was_leading_ = leading;
    if (!leading) continue;
    const ImagePtr& image = machine().image();
    for (std::size_t b = 0; b < last_heartbeat_.size(); ++b)
      if (!image->fenced[b] && now() - last_heartbeat_[b] > o.broker_session_timeout)
        propose(static_cast<int>(b), fence_record(static_cast<int>(b)));
  }
}

}  // namespace

void install_controllers(const std::shared_ptr<Context>& context) {
  raft::RaftOptions raft_options;
  // KRaft's controller quorum: election timeout 1 s (spread to 2 s), fetch every 500 ms.
  raft_options.election_timeout_min = sim::Duration::seconds(1);
  raft_options.election_timeout_max = sim::Duration::seconds(2);
  raft_options.heartbeat_interval = sim::Duration::milliseconds(500);
  raft_options.rpc_timeout = sim::Duration::milliseconds(500);
  raft_options.check_quorum = true;
  const QueueOptions options = context->options;
  raft::install_group(
      context->world, context->controllers, raft_options,
      [options](sim::NodeId) { return std::make_unique<MetadataMachine>(options); }, nullptr,
      [context](raft::Server& server) {
        sim::NodeId self = server.raft().id();
        auto duties = std::make_shared<Duties>(context, server, self);
        duties->machine().on_change([weak = std::weak_ptr<Duties>(duties)](const ImagePtr& image) {
          if (auto d = weak.lock()) d->push(image);
        });
        server.set_extra_handler([duties](const sim::RpcRequest& request, sim::Responder& responder) {
          return duties->serve(request, responder);
        });
        sim::spawn(context->world.executor(self), duties->run_fencing());
      });
}

ImagePtr controller_image(const Context& context, sim::NodeId member) {
  raft::Server* server = raft::server_of(context.world, member);
  return server ? static_cast<MetadataMachine&>(server->machine()).image() : nullptr;
}

}  // namespace queue
