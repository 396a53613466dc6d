// read_duration_dist: the one reading of a YamlValue that is itself a small mapping, so it
// lives apart from the scalar readings and uses a ParamReader for the mapping's keys.
#include "sim/scenario/param_reader.hpp"
#include "sim/scenario/yaml_value.hpp"

namespace sim {
namespace {

using Kind = DurationDist::Kind;

constexpr double pareto_shape_max = 1000.0;

Kind kind_named(const std::string& name) {
  if (name == "uniform") return Kind::uniform;
  if (name == "exponential") return Kind::exponential;
  if (name == "normal") return Kind::normal;
  if (name == "lognormal") return Kind::lognormal;
  if (name == "pareto") return Kind::pareto;
  return Kind::constant;
}

DurationDist read_lognormal(ParamReader& fields) {
  Duration median = fields.duration("median", DurationRange::positive());
  Duration p99 = fields.duration("p99");
  if (p99 < median) fields.value("p99")->out_of_range("at least the median (" + to_string(median) + ")");
  return DurationDist{Kind::lognormal, median, p99, 0.0};
}

DurationDist read_pareto(ParamReader& fields) {
  Duration min = fields.duration("min", DurationRange::positive());
  double shape = fields.real("shape", 0.0, pareto_shape_max);
  if (shape <= 0.0) fields.value("shape")->out_of_range("more than 0");
  return DurationDist{Kind::pareto, min, Duration::zero(), shape};
}

DurationDist read_fields(Kind kind, ParamReader& fields) {
  switch (kind) {
    case Kind::constant:
      return DurationDist::constant(fields.duration("value"));
    case Kind::uniform: {
      Duration min = fields.duration("min");
      Duration max = fields.duration("max", DurationRange{min, Duration::max()});
      return DurationDist{Kind::uniform, min, max, 0.0};
    }
    case Kind::exponential:
      return DurationDist{Kind::exponential, fields.duration("mean", DurationRange::positive()), Duration::zero(), 0.0};
    case Kind::normal: {
      Duration mean = fields.duration("mean");
      return DurationDist{Kind::normal, mean, fields.duration("stddev"), 0.0};
    }
    case Kind::lognormal:
      return read_lognormal(fields);
    case Kind::pareto:
      return read_pareto(fields);
  }
  return DurationDist{};
}

}  // namespace

DurationDist read_duration_dist(const YamlValue& value, std::shared_ptr<OptionLog> log) {
  if (value.node.IsScalar()) return DurationDist::constant(read_duration(value));
  if (!value.node.IsMap())
    value.expected("a duration such as 2ms or a distribution such as {dist: uniform, min: 1ms, max: 3ms}");
  ParamReader fields(value.node, value.where, value.label);
  if (log) fields.keep_log(std::move(log));
  std::string name = fields.choice("dist", {"constant", "uniform", "exponential", "normal", "lognormal", "pareto"});
  DurationDist dist = read_fields(kind_named(name), fields);
  fields.finish();
  return dist;
}

}  // namespace sim
