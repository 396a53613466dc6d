// What each of the Snowflake model's parameters and checks means (models/model.hpp, ModelDocs).
#include "models/snowflake/snowflake.hpp"

const sim::ModelDocs& snowflake_docs() {
  static const sim::ModelDocs docs{
      "on_backwards",
      {"{nodes: 3, node_id_assignment: {collision: [gen-0, gen-1]}, hot_node: gen-2, hot_rate: 10/ms}"},
      {
          {"nodes", "generator nodes, gen-0 .. gen-(n-1)"},
          {"epoch", "Unix milliseconds that ids count from (default: Twitter's epoch)"},
          {"on_backwards", "what a node does when its clock is behind its last timestamp: fail, wait, or keep "
                           "counting logically"},
          {"last_timestamp", "where the last timestamp lives: memory (lost by a crash) or a high-water mark on disk"},
          {"reserve", "how far past the last timestamp the persisted mark is written (last_timestamp: persisted)"},
          {"node_id_assignment", "static (node i has id i), or {collision: [gen-1, gen-2]} giving them one id"},
          {"node_id_assignment.collision", "nodes that share the first one's node id"},
          {"skew_spread", "each node's wall clock is skewed uniformly within +- this"},
          {"drift_spread_ppm", "each node's clock drifts uniformly within +- this many parts per million"},
          {"skew", "explicit wall-clock skews by node name ({gen-1: -2s}), overriding the spread"},
          {"rate", "requests per node per unit of time"},
          {"arrival", "request arrivals: a Poisson process or evenly spaced"},
          {"hot_node", "one node that gets hot_rate instead of rate"},
          {"hot_rate", "the hot node's rate"},
          {"service_time", "time to issue one id"},
          {"k_sorted_bound", "k_sortedness fails when ids are out of true-time order by more than this"},
      },
      {
          {"uniqueness", "no id is issued twice", "duplicate ids among all issued"},
          {"monotonicity", "each node's ids strictly increase", "ids not above the node's previous one"},
          {"k_sortedness", "ids sort in true-time order within k_sorted_bound", "inverted pairs and the worst gap"},
          {"availability", "every request gets an id", "failed requests: clock moved backwards or node down"},
          {"throughput", "no node needs more ids in a millisecond than the 12-bit sequence holds",
           "the most ids on one node in one millisecond, against the 4096 ceiling"},
      },
  };
  return docs;
}
