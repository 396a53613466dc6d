// Sorted-set commands that add, remove and read single members: ZADD (NX|XX|GT|LT|CH|INCR),
// ZINCRBY, ZREM, ZCARD, ZSCORE, ZPOPMIN, ZPOPMAX. Range queries are in commands_zrange.cpp.
#include <algorithm>
#include <cmath>

#include "models/redis/engine/command_table.hpp"

namespace redis::commands {

namespace {

struct ZaddFlags {
  bool nx = false;
  bool xx = false;
  bool gt = false;
  bool lt = false;
  bool ch = false;
  bool incr = false;
};

// Options come first; the first word that is none of them starts the score-member pairs.
std::size_t parse_zadd_flags(const Argv& argv, std::size_t first, ZaddFlags& flags) {
  std::size_t j = first;
  for (; j < argv.size(); ++j) {
    const std::string& word = argv[j];
    if (is_option(word, "nx")) flags.nx = true;
    else if (is_option(word, "xx")) flags.xx = true;
    else if (is_option(word, "gt")) flags.gt = true;
    else if (is_option(word, "lt")) flags.lt = true;
    else if (is_option(word, "ch")) flags.ch = true;
    else if (is_option(word, "incr")) flags.incr = true;
    else break;
  }
  return j;
}

std::optional<Reply> zadd_flags_error(const ZaddFlags& flags, std::size_t pair_count) {
  if (flags.nx && flags.xx) return Reply::error("ERR XX and NX options at the same time are not compatible");
  if ((flags.gt && flags.nx) || (flags.lt && flags.nx) || (flags.gt && flags.lt)) {
    return Reply::error("ERR GT, LT, and/or NX options at the same time are not compatible");
  }
  if (flags.incr && pair_count > 1) return Reply::error("ERR INCR option supports a single increment-element pair");
  return std::nullopt;
}

struct AddOutcome {
  bool added = false;
  bool updated = false;
  bool skipped = false;  ///< a condition (NX, XX, GT, LT) kept the member as it was
  bool nan = false;
  double score = 0.0;    ///< the member's score after the command, as computed
};

AddOutcome add_member(SortedSet& zset, const std::string& member, double score, const ZaddFlags& flags) {
  AddOutcome outcome;
  std::optional<double> current = zset.score(member);
  if (!current) {
    if (flags.xx) {
      outcome.skipped = true;
      return outcome;
    }
    zset.put(member, score);
    outcome.added = true;
    outcome.score = score;
    return outcome;
  }
  if (flags.nx) {
    outcome.skipped = true;
    return outcome;
  }
  if (flags.incr) score += *current;
  if (std::isnan(score)) {
    outcome.nan = true;
    return outcome;
  }
  if ((flags.lt && score >= *current) || (flags.gt && score <= *current)) {
    outcome.skipped = true;
    return outcome;
  }
  outcome.score = score;
  if (score != *current) {
    zset.put(member, score);
    outcome.updated = true;
  }
  return outcome;
}

SortedSet& create_zset(Call& call, const std::string& key, std::size_t first_pair) {
  std::size_t pair_count = (call.argv.size() - first_pair) / 2;
  std::size_t longest = 0;
  for (std::size_t j = first_pair + 1; j < call.argv.size(); j += 2) longest = std::max(longest, call.argv[j].size());
  Entry& entry = call.keys.put(key, SortedSet(pair_count, longest));
  return std::get<SortedSet>(entry.value);
}

Reply zadd_reply(const ZaddFlags& flags, std::int64_t added, std::int64_t updated, std::int64_t processed,
                 double score) {
  if (!flags.incr) return Reply::from_integer(flags.ch ? added + updated : added);
  return processed > 0 ? Reply::bulk(format_double(score)) : Reply::null();
}

Reply zadd_generic(Call& call, ZaddFlags flags, std::size_t first_option) {
  const Argv& argv = call.argv;
  std::size_t first_pair = parse_zadd_flags(argv, first_option, flags);
  std::size_t words = argv.size() - first_pair;
  if (words == 0 || words % 2 != 0) return replies::syntax_error();
  if (auto error = zadd_flags_error(flags, words / 2)) return *error;
  std::vector<double> scores;
  for (std::size_t j = first_pair; j < argv.size(); j += 2) {
    std::optional<double> score = parse_float(argv[j]);
    if (!score) return replies::not_float();
    scores.push_back(*score);
  }
  const std::string& key = argv[1];
  auto typed = find_as<SortedSet>(call, key);
  if (typed.wrong_type()) return replies::wrong_type();
  if (!typed.value && flags.xx) return zadd_reply(flags, 0, 0, 0, 0.0);
  SortedSet& zset = typed.value ? *typed.value : create_zset(call, key, first_pair);
  std::int64_t added = 0, updated = 0, processed = 0;
  double score = 0.0;
  for (std::size_t i = 0; i < scores.size(); ++i) {
    AddOutcome outcome = add_member(zset, argv[first_pair + 2 * i + 1], scores[i], flags);
    if (outcome.nan) return Reply::error("ERR resulting score is not a number (NaN)");
    added += outcome.added;
    updated += outcome.updated;
    if (!outcome.skipped) {
      ++processed;
      score = outcome.score;
    }
  }
  if (added + updated > 0) call.propagate_verbatim();
  return zadd_reply(flags, added, updated, processed, score);
}

Reply pop_generic(Call& call, bool lowest) {
  if (call.argv.size() > 3) return replies::syntax_error();
  std::int64_t count = 1;
  if (call.argv.size() == 3) {
    std::optional<std::int64_t> parsed = parse_integer(call.argv[2]);
    if (!parsed || *parsed < 0) return Reply::error("ERR value is out of range, must be positive");
    count = *parsed;
  }
  const std::string& key = call.argv[1];
  auto typed = find_as<SortedSet>(call, key);
  if (typed.wrong_type()) return replies::wrong_type();
  if (!typed.value || count == 0) return Reply::array({});
  std::vector<Reply> popped;
  SortedSet& zset = *typed.value;
  for (std::int64_t i = 0; i < count && !zset.empty(); ++i) {
    auto [score, member] = lowest ? *zset.ordered().begin() : *zset.ordered().rbegin();
    popped.push_back(Reply::bulk(member));
    popped.push_back(Reply::bulk(format_double(score)));
    zset.erase(member);
  }
  call.keys.erase_if_empty(key);
  call.propagate_verbatim();
  return Reply::array(std::move(popped));
}

}  // namespace

Reply zadd(Call& call) { return zadd_generic(call, ZaddFlags{}, 2); }

Reply zincrby(Call& call) {
  ZaddFlags flags;
  flags.incr = true;
  return zadd_generic(call, flags, 2);
}

Reply zrem(Call& call) {
  const std::string& key = call.argv[1];
  auto typed = find_as<SortedSet>(call, key);
  if (typed.wrong_type()) return replies::wrong_type();
  if (!typed.value) return Reply::from_integer(0);
  std::int64_t removed = 0;
  for (std::size_t j = 2; j < call.argv.size(); ++j) removed += typed.value->erase(call.argv[j]);
  call.keys.erase_if_empty(key);
  if (removed > 0) call.propagate_verbatim();
  return Reply::from_integer(removed);
}

Reply zcard(Call& call) {
  auto typed = find_as<SortedSet>(call, call.argv[1]);
  if (typed.wrong_type()) return replies::wrong_type();
  return Reply::from_integer(typed.value ? static_cast<std::int64_t>(typed.value->size()) : 0);
}

Reply zscore(Call& call) {
  auto typed = find_as<SortedSet>(call, call.argv[1]);
  if (typed.wrong_type()) return replies::wrong_type();
  if (!typed.value) return Reply::null();
  std::optional<double> score = typed.value->score(call.argv[2]);
  return score ? Reply::bulk(format_double(*score)) : Reply::null();
}

Reply zpopmin(Call& call) { return pop_generic(call, true); }
Reply zpopmax(Call& call) { return pop_generic(call, false); }

}  // namespace redis::commands
