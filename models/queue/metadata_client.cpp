#include "models/queue/metadata_client.hpp"

#include "sim/kernel/rpc.hpp"

namespace queue {

int MetadataClient::leader(int partition) const {
  return image_ ? image_->partitions[static_cast<std::size_t>(partition)].leader : no_leader;
}

Epoch MetadataClient::leader_epoch(int partition) const {
  return image_ ? image_->partitions[static_cast<std::size_t>(partition)].leader_epoch : 0;
}

void MetadataClient::refresh(std::function<void()> then) {
  if (refreshing_) return;
  refreshing_ = true;
  sim::NodeId target = context_.brokers[rotation_++ % context_.brokers.size()];
  auto request = std::make_shared<MetadataRequest>();
  context_.world.rpc().call(context_.world.executor(self_), target, request,
                            std::min(context_.options.request_timeout, sim::Duration::seconds(1)),
                            [this, then = std::move(then)](sim::error_code ec, sim::MessagePtr answer) {
                              refreshing_ = false;
                              refreshed_ = context_.world.now();
                              const auto* reply = ec ? nullptr : dynamic_cast<const MetadataReply*>(answer.get());
                              if (reply && reply->image && (!image_ || reply->image->version > image_->version))
                                image_ = reply->image;
                              if (then) then();
                            });
}

void MetadataClient::refresh_if_old() {
  if (context_.world.now() - refreshed_ >= context_.options.metadata_max_age) refresh();
}

}  // namespace queue
