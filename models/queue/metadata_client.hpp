// A client's view of the cluster (the producer's and the consumer's): the newest metadata image
// it has been given, refreshed by a Metadata request to the brokers in turn, on an error, when
// a partition has no leader, and every metadata.max.age.ms. An older image never replaces a
// newer one (Kafka clients compare leader epochs since KIP-320).
#pragma once

#include <memory>

#include "models/queue/context.hpp"
#include "models/queue/messages.hpp"

namespace queue {

class MetadataClient {
public:
  MetadataClient(Context& context, sim::NodeId self) : context_(context), self_(self) {}

  const ImagePtr& image() const { return image_; }
  /// The leader of `partition` as known, or no_leader.
  int leader(int partition) const;
  Epoch leader_epoch(int partition) const;
  /// Asks the next broker for its image unless a request is under way; `then` runs after.
  void refresh(std::function<void()> then = {});
  /// Refreshes when the image is older than metadata.max.age.ms.
  void refresh_if_old();

private:
  Context& context_;
  sim::NodeId self_;
  ImagePtr image_;
  bool refreshing_ = false;
  std::size_t rotation_ = 0;
  sim::Instant refreshed_;
};

}  // namespace queue
