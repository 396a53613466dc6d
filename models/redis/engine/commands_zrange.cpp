// Sorted-set range commands: ZRANGE (by rank, BYSCORE or BYLEX, REV, LIMIT, WITHSCORES),
// ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX, ZCOUNT, ZREMRANGEBYSCORE.
//
// Ranges walk the members in order from the first one inside the range, as a small Redis sorted
// set (a listpack) does; for scores that is exact, and for BYLEX over equal scores too.
#include <cmath>
#include <cstdlib>
#include <iterator>
#include <type_traits>

#include "models/redis/engine/command_table.hpp"

namespace redis::commands {

namespace {

using Member = SortedSet::Ordered::value_type;

struct ScoreRange {
  double min = 0.0, max = 0.0;
  bool min_exclusive = false, max_exclusive = false;

  bool above_min(double score) const { return min_exclusive ? score > min : score >= min; }
  bool below_max(double score) const { return max_exclusive ? score < max : score <= max; }
  bool empty() const { return min > max || (min == max && (min_exclusive || max_exclusive)); }
};

// A bound as Redis reads one: "(" for exclusive, then whatever C's strtod takes up to the end
// of the C string (so "" reads as 0 and leading spaces pass), but never NaN.
std::optional<double> parse_score_bound(const std::string& text, bool& exclusive) {
  exclusive = !text.empty() && text.front() == '(';
  const char* start = text.c_str() + (exclusive ? 1 : 0);
  char* end = nullptr;
  double value = std::strtod(start, &end);
  if (*end != '\0' || std::isnan(value)) return std::nullopt;
  return value;
}

std::optional<ScoreRange> parse_score_range(const std::string& min, const std::string& max) {
  ScoreRange range;
  auto low = parse_score_bound(min, range.min_exclusive);
  auto high = parse_score_bound(max, range.max_exclusive);
  if (!low || !high) return std::nullopt;
  range.min = *low;
  range.max = *high;
  return range;
}

struct LexBound {
  enum class Kind { lowest, highest, inclusive, exclusive } kind = Kind::lowest;
  std::string value;
};

std::optional<LexBound> parse_lex_bound(const std::string& text) {
  if (text == "-") return LexBound{LexBound::Kind::lowest, {}};
  if (text == "+") return LexBound{LexBound::Kind::highest, {}};
  if (text.empty()) return std::nullopt;
  if (text.front() == '[') return LexBound{LexBound::Kind::inclusive, text.substr(1)};
  if (text.front() == '(') return LexBound{LexBound::Kind::exclusive, text.substr(1)};
  return std::nullopt;
}

// Compares a member with a bound's value: "-" is below every string, "+" above.
int compare_lex(const std::string& member, const LexBound& bound) {
  if (bound.kind == LexBound::Kind::lowest) return 1;
  if (bound.kind == LexBound::Kind::highest) return -1;
  return member.compare(bound.value);
}

struct LexRange {
  LexBound min, max;

  bool above_min(const std::string& m) const {
    int c = compare_lex(m, min);
    return min.kind == LexBound::Kind::exclusive ? c > 0 : c >= 0;
  }
  bool below_max(const std::string& m) const {
    int c = compare_lex(m, max);
    return max.kind == LexBound::Kind::exclusive ? c < 0 : c <= 0;
  }
  bool empty() const {
    using K = LexBound::Kind;
    if (min.kind == K::highest || max.kind == K::lowest) return true;
    if (min.kind == K::lowest || max.kind == K::highest) return false;
    int c = min.value.compare(max.value);
    return c > 0 || (c == 0 && (min.kind == K::exclusive || max.kind == K::exclusive));
  }
};

enum class RangeKind { automatic, rank, score, lex };
enum class Direction { automatic, forward, reverse };

struct RangeRequest {
  RangeKind kind;
  Direction direction;
  bool with_scores = false;
  std::int64_t offset = 0;
  std::int64_t limit = -1;  ///< -1: no LIMIT; any negative count means "all"
};

std::optional<Reply> parse_range_options(const Argv& argv, RangeRequest& request) {
  for (std::size_t j = 4; j < argv.size(); ++j) {
    const std::string& word = argv[j];
    std::size_t words_left = argv.size() - j - 1;
    if (is_option(word, "withscores")) {
      request.with_scores = true;
    } else if (is_option(word, "limit") && words_left >= 2) {
      auto offset = parse_integer(argv[j + 1]);
      if (!offset) return replies::not_integer();
      auto limit = parse_integer(argv[j + 2]);
      if (!limit) return replies::not_integer();
      request.offset = *offset;
      request.limit = *limit;
      j += 2;
    } else if (request.direction == Direction::automatic && is_option(word, "rev")) {
      request.direction = Direction::reverse;
    } else if (request.kind == RangeKind::automatic && is_option(word, "bylex")) {
      request.kind = RangeKind::lex;
    } else if (request.kind == RangeKind::automatic && is_option(word, "byscore")) {
      request.kind = RangeKind::score;
    } else {
      return replies::syntax_error();
    }
  }
  return std::nullopt;
}

void emit(std::vector<Reply>& out, const Member& member, bool with_scores) {
  out.push_back(Reply::bulk(member.second));
  if (with_scores) out.push_back(Reply::bulk(format_double(member.first)));
}

Reply range_by_rank(const SortedSet& zset, std::int64_t start, std::int64_t end, const RangeRequest& request) {
  auto length = static_cast<std::int64_t>(zset.size());
  if (start < 0) start += length;
  if (end < 0) end += length;
  if (start < 0) start = 0;
  if (start > end || start >= length) return Reply::array({});
  if (end >= length) end = length - 1;
  std::vector<Reply> out;
  const auto& ordered = zset.ordered();
  if (request.direction == Direction::reverse) {
    auto it = std::next(ordered.rbegin(), start);
    for (std::int64_t i = start; i <= end; ++i, ++it) emit(out, *it, request.with_scores);
  } else {
    auto it = std::next(ordered.begin(), start);
    for (std::int64_t i = start; i <= end; ++i, ++it) emit(out, *it, request.with_scores);
  }
  return Reply::array(std::move(out));
}

// Walks from the first member inside the near bound (in the request's direction), skips
// `offset` members, then takes up to `limit` while they stay within the far bound. As Redis's
// zzlFirstInLexRange and zzlLastInLexRange do, a first member outside the far bound makes the
// range empty, although with mixed scores (a BYLEX range) members after it may lie inside.
template <class Iterator, class Inside, class Within>
Reply walk_range(Iterator begin, Iterator end, Inside starts_inside, Within stays_within, const RangeRequest& request) {
  Iterator it = begin;
  while (it != end && !starts_inside(*it)) ++it;
  if (it == end || !stays_within(*it)) return Reply::array({});
  if (request.offset < 0) return Reply::array({});
  for (std::int64_t skipped = 0; it != end && skipped < request.offset; ++skipped) ++it;
  std::vector<Reply> out;
  for (std::int64_t taken = 0; it != end && (request.limit < 0 || taken < request.limit); ++taken, ++it) {
    if (!stays_within(*it)) break;
    emit(out, *it, request.with_scores);
  }
  return Reply::array(std::move(out));
}

template <class Range>
Reply range_by_value(const SortedSet& zset, const Range& range, const RangeRequest& request) {
  auto above_min = [&](const Member& m) {
    if constexpr (std::is_same_v<Range, ScoreRange>)
      return range.above_min(m.first);
    else
      return range.above_min(m.second);
  };
  auto below_max = [&](const Member& m) {
    if constexpr (std::is_same_v<Range, ScoreRange>)
      return range.below_max(m.first);
    else
      return range.below_max(m.second);
  };
  const auto& ordered = zset.ordered();
  // Redis first rules out a range past the last member or before the first one; with mixed
  // scores a BYLEX range can be ruled out this way although a middle member would match.
  if (range.empty() || !above_min(*ordered.rbegin()) || !below_max(*ordered.begin())) return Reply::array({});
  if (request.offset > 0 && request.offset >= static_cast<std::int64_t>(zset.size())) return Reply::array({});
  if (request.direction == Direction::reverse) {
    return walk_range(ordered.rbegin(), ordered.rend(), below_max, above_min, request);
  }
  return walk_range(ordered.begin(), ordered.end(), above_min, below_max, request);
}

std::optional<Reply> range_conflicts(const RangeRequest& request) {
  if (request.limit != -1 && request.kind == RangeKind::rank) {
    return Reply::error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  }
  if (request.with_scores && request.kind == RangeKind::lex) {
    return Reply::error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  }
  return std::nullopt;
}

Reply zrange_generic(Call& call, RangeKind kind, Direction direction) {
  RangeRequest request{kind, direction};
  if (auto error = parse_range_options(call.argv, request)) return *error;
  if (request.direction == Direction::automatic) request.direction = Direction::forward;
  if (request.kind == RangeKind::automatic) request.kind = RangeKind::rank;
  if (auto conflict = range_conflicts(request)) return *conflict;
  // Reverse score and lex ranges are written max first.
  bool swap = request.direction == Direction::reverse && request.kind != RangeKind::rank;
  const std::string& low = call.argv[swap ? 3 : 2];
  const std::string& high = call.argv[swap ? 2 : 3];
  std::optional<std::int64_t> start, end;
  std::optional<ScoreRange> scores;
  std::optional<LexRange> lex;
  if (request.kind == RangeKind::rank) {
    start = parse_integer(low);
    if (!start) return replies::not_integer();
    end = parse_integer(high);
    if (!end) return replies::not_integer();
  } else if (request.kind == RangeKind::score) {
    scores = parse_score_range(low, high);
    if (!scores) return Reply::error("ERR min or max is not a float");
  } else {
    auto min = parse_lex_bound(low);
    auto max = parse_lex_bound(high);
    if (!min || !max) return Reply::error("ERR min or max not valid string range item");
    lex = LexRange{*min, *max};
  }
  auto typed = find_as<SortedSet>(call, call.argv[1]);
  if (!typed.entry) return Reply::array({});
  if (typed.wrong_type()) return replies::wrong_type();
  if (start) return range_by_rank(*typed.value, *start, *end, request);
  if (scores) return range_by_value(*typed.value, *scores, request);
  return range_by_value(*typed.value, *lex, request);
}

}  // namespace

Reply zrange(Call& call) { return zrange_generic(call, RangeKind::automatic, Direction::automatic); }
Reply zrevrange(Call& call) { return zrange_generic(call, RangeKind::rank, Direction::reverse); }
Reply zrangebyscore(Call& call) { return zrange_generic(call, RangeKind::score, Direction::forward); }
Reply zrevrangebyscore(Call& call) { return zrange_generic(call, RangeKind::score, Direction::reverse); }
Reply zrangebylex(Call& call) { return zrange_generic(call, RangeKind::lex, Direction::forward); }

Reply zcount(Call& call) {
  auto range = parse_score_range(call.argv[2], call.argv[3]);
  if (!range) return Reply::error("ERR min or max is not a float");
  auto typed = find_as<SortedSet>(call, call.argv[1]);
  if (typed.wrong_type()) return replies::wrong_type();
  if (!typed.value || range->empty()) return Reply::from_integer(0);
  std::int64_t count = 0;
  for (const Member& member : typed.value->ordered()) {
    if (!range->below_max(member.first)) break;
    if (range->above_min(member.first)) ++count;
  }
  return Reply::from_integer(count);
}

Reply zremrangebyscore(Call& call) {
  auto range = parse_score_range(call.argv[2], call.argv[3]);
  if (!range) return Reply::error("ERR min or max is not a float");
  const std::string& key = call.argv[1];
  auto typed = find_as<SortedSet>(call, key);
  if (typed.wrong_type()) return replies::wrong_type();
  if (!typed.value || range->empty()) return Reply::from_integer(0);
  std::vector<std::string> doomed;
  for (const Member& member : typed.value->ordered()) {
    if (!range->below_max(member.first)) break;
    if (range->above_min(member.first)) doomed.push_back(member.second);
  }
  for (const std::string& member : doomed) typed.value->erase(member);
  call.keys.erase_if_empty(key);
  if (!doomed.empty()) call.propagate_verbatim();
  return Reply::from_integer(static_cast<std::int64_t>(doomed.size()));
}

}  // namespace redis::commands
