#include "sim/scenario/section_readers.hpp"

namespace sim {
namespace {

LinkOptions read_link_options(ParamReader& section, const LinkOptions& defaults) {
  LinkOptions options;
  options.latency = section.duration_dist("latency", defaults.latency);
  options.loss = section.ratio("loss", defaults.loss);
  options.duplicate = section.ratio("duplicate", defaults.duplicate);
  options.fifo = section.boolean("fifo", defaults.fifo);
  return options;
}

}  // namespace

NetworkOptions read_network(ParamReader section, std::vector<NodeRef>& link_nodes) {
  NetworkOptions network;
  network.defaults = read_link_options(section, LinkOptions{});
  for (ParamReader& link : section.section_list("links")) {
    NodeRef from = link.node_ref("from");
    NodeRef to = link.node_ref("to");
    network.links.push_back(LinkOverride{from.name, to.name, read_link_options(link, network.defaults)});
    link_nodes.push_back(std::move(from));
    link_nodes.push_back(std::move(to));
    link.finish();
  }
  section.finish();
  return network;
}

}  // namespace sim
