#include "models/postgres/ssi.hpp"

#include <algorithm>
#include <stdexcept>

#include "models/postgres/errors.hpp"

namespace postgres {

void Ssi::begin(TxnId txn) {
  Xact& x = xacts_[txn] = Xact{};
  maybe_concurrent_.emplace(txn, &x);
}

void Ssi::snapshot(TxnId txn, std::uint64_t last_commit_seq) {
  Xact& x = xacts_.at(txn);
  last_seq_ = std::max(last_seq_, last_commit_seq);
  if (x.has_snapshot) return;
  x.has_snapshot = true;
  x.snapshot_seq = last_commit_seq;
  running_snapshots_.insert(last_commit_seq);
}

void Ssi::wrote(TxnId txn) { xacts_.at(txn).wrote = true; }

void Ssi::read(TxnId reader, const SireadTarget& target) {
  Xact& x = xacts_.at(reader);
  SireadTarget relation{SireadTarget::Kind::relation, target.relation, 0, 0};
  if (x.locks.count(relation)) return;  // covered
  if (target.kind == SireadTarget::Kind::tuple) {
    SireadTarget page{SireadTarget::Kind::heap_page, target.relation, 0, 0};
    if (x.locks.count(page)) return;
    take_lock(reader, x, target);
    promote(reader, target);
    return;
  }
  take_lock(reader, x, target);
}

void Ssi::take_lock(TxnId txn, Xact& x, const SireadTarget& target) {
  if (x.locks.insert(target).second) holders_[target].emplace(txn, &x);
}

void Ssi::drop_locks(TxnId txn, Xact& x) {
  for (const SireadTarget& target : x.locks) {
    auto it = holders_.find(target);
    it->second.erase(txn);
    if (it->second.empty()) holders_.erase(it);
  }
  x.locks.clear();
}

void Ssi::promote(TxnId txn, const SireadTarget& tuple) {
  Xact& x = xacts_.at(txn);
  int on_page = 0;
  for (const SireadTarget& held : x.locks)
    if (held.kind == SireadTarget::Kind::tuple && held.relation == tuple.relation) ++on_page;
  if (on_page <= tuple_locks_per_page_max) return;
  for (auto it = x.locks.begin(); it != x.locks.end();) {
    if (it->kind != SireadTarget::Kind::tuple || it->relation != tuple.relation) {
      ++it;
      continue;
    }
    auto held = holders_.find(*it);
    held->second.erase(txn);
    if (held->second.empty()) holders_.erase(held);
    it = x.locks.erase(it);
  }
  take_lock(txn, x, SireadTarget{SireadTarget::Kind::heap_page, tuple.relation, 0, 0});
}

bool Ssi::concurrent(const Xact& reader, const Xact& writer) const {
  // A reader that committed before the writer took its snapshot is not concurrent with it.
  return !committed(reader) || !writer.has_snapshot || reader.commit_seq > writer.snapshot_seq;
}

std::optional<Error> Ssi::check_doomed(TxnId txn, const char* when) {
  auto it = xacts_.find(txn);
  if (it == xacts_.end() || !it->second.doomed) return std::nullopt;
  return errors::rw_dependencies(std::string("Canceled on identification as a pivot, ") + when + ".");
}

std::optional<Error> Ssi::conflict_out(TxnId reader, TxnId writer) {
  if (std::optional<Error> doomed = check_doomed(reader, "during conflict out checking")) return doomed;
  if (reader == writer || !tracked(writer)) return std::nullopt;
  // As CheckForSerializableConflictOut: a writer bound to roll back is no conflict, and a
  // conflict already recorded is not flagged (nor checked) again.
  if (xacts_.at(writer).doomed || xacts_.at(reader).out.count(writer)) return std::nullopt;
  return flag(reader, writer, reader);
}

std::optional<Error> Ssi::conflict_in(TxnId writer, const std::set<SireadTarget>& targets) {
  if (std::optional<Error> doomed = check_doomed(writer, "during conflict in checking")) return doomed;
  const Xact& me = xacts_.at(writer);
  std::set<TxnId> readers;
  // Every statement takes its snapshot before it runs, so a writer has one; only
  // maybe_concurrent_ can then hold a concurrent reader, and every holder of a lock is in it.
  if (!me.has_snapshot) throw std::logic_error("postgres: a serializable write before its snapshot");
  forget_old();
  for (const SireadTarget& target : targets) {
    auto held = holders_.find(target);
    if (held == holders_.end()) continue;
    for (const auto& [txn, x] : held->second)
      if (txn != writer && !x->doomed && concurrent(*x, me) && !x->out.count(writer)) readers.insert(txn);
  }
  for (TxnId reader : readers)
    if (std::optional<Error> failure = flag(reader, writer, writer)) return failure;
  return std::nullopt;
}

/// T_in --rw--> pivot (the writer) --rw--> T_out, T_out committed first: the writer is the pivot.
bool Ssi::pivot_with_committed_out(const Xact& reader, const Xact& writer) const {
  if (committed(writer) && writer.conflict_out_flag) return true;
  for (TxnId out : writer.out) {
    const Xact& t2 = xacts_.at(out);
    if (!committed(t2)) continue;
    if ((!committed(reader) || t2.commit_seq <= reader.commit_seq) &&
        (!committed(writer) || t2.commit_seq <= writer.commit_seq) &&
        (!read_only(reader) || t2.commit_seq <= reader.snapshot_seq))
      return true;
  }
  return false;
}

/// T0 --rw--> pivot (the reader) --rw--> writer, the writer committed.
bool Ssi::pivot_reader(const Xact& reader, const Xact& writer) const {
  if (!committed(writer) || read_only(reader)) return false;
  for (TxnId in : reader.in) {
    const Xact& t0 = xacts_.at(in);
    if (!t0.doomed && (!committed(t0) || t0.commit_seq >= writer.commit_seq) &&
        (!read_only(t0) || t0.snapshot_seq >= writer.commit_seq))
      return true;
  }
  return false;
}

std::optional<Error> Ssi::flag(TxnId reader_id, TxnId writer_id, TxnId me) {
  Xact& reader = xacts_.at(reader_id);
  Xact& writer = xacts_.at(writer_id);
  reader.out.insert(writer_id);
  if (std::find(writer.in.begin(), writer.in.end(), reader_id) == writer.in.end()) writer.in.push_back(reader_id);
  if (!pivot_with_committed_out(reader, writer) && !pivot_reader(reader, writer)) return std::nullopt;
  if (me == writer_id) return errors::rw_dependencies("Canceled on identification as a pivot, during write.");
  if (committed(writer))
    return errors::rw_dependencies("Canceled on conflict out to pivot " + std::to_string(writer_id) + ", during read.");
  writer.doomed = true;
  return std::nullopt;
}

std::optional<Error> Ssi::pre_commit(TxnId txn) {
  if (std::optional<Error> doomed = check_doomed(txn, "during commit attempt")) return doomed;
  Xact& me = xacts_.at(txn);
  // As PreCommit_CheckForSerializationFailure: a running reader of this transaction's writes is
  // doomed when its own writes were read past by this transaction or by one still running (not
  // read-only, not doomed). The readers are walked in the order their conflicts were recorded,
  // and one doomed on the way no longer dooms those after it (seed 2128).
  for (TxnId near_id : me.in) {
    Xact& near = xacts_.at(near_id);
    if (committed(near) || near.doomed) continue;
    for (TxnId far_id : near.in) {
      const Xact& far = xacts_.at(far_id);
      if (far_id == txn || (!committed(far) && !read_only(far) && !far.doomed)) {
        near.doomed = true;
        break;
      }
    }
  }
  return std::nullopt;
}

void Ssi::committed(TxnId txn, std::uint64_t commit_seq) {
  Xact& me = xacts_.at(txn);
  me.commit_seq = commit_seq;
  last_seq_ = std::max(last_seq_, commit_seq);
  if (me.has_snapshot) running_snapshots_.erase(running_snapshots_.find(me.snapshot_seq));
  committed_order_.emplace_back(commit_seq, txn);
  // As ReleasePredicateLocks does at commit: conflicts out to committed transactions become the
  // conflict-out flag, and those and the conflicts in from committed or read-only ones are let go.
  for (auto it = me.out.begin(); it != me.out.end();) {
    Xact& other = xacts_.at(*it);
    if (!committed(other)) {
      ++it;
      continue;
    }
    if (!read_only(me)) me.conflict_out_flag = true;
    std::erase(other.in, txn);
    release_if_done(*it);
    it = me.out.erase(it);
  }
  for (auto it = me.in.begin(); it != me.in.end();) {
    Xact& other = xacts_.at(*it);
    if (!committed(other) && !read_only(other)) {
      ++it;
      continue;
    }
    other.out.erase(txn);
    release_if_done(*it);
    it = me.in.erase(it);
  }
}

void Ssi::forget_old() {
  std::uint64_t oldest = last_seq_;
  if (!running_snapshots_.empty()) oldest = std::min(oldest, *running_snapshots_.begin());
  // Those committed at or before the oldest snapshot; which goes first changes nothing.
  for (; !committed_order_.empty() && committed_order_.front().first <= oldest; committed_order_.pop_front()) {
    TxnId txn = committed_order_.front().second;
    auto it = maybe_concurrent_.find(txn);
    if (it == maybe_concurrent_.end())
      throw std::logic_error("postgres: a committed transaction left SSI's records early");
    Xact& x = *it->second;
    maybe_concurrent_.erase(it);
    drop_locks(txn, x);  // only conflict_in reads them, and only for maybe_concurrent_
    lingering_.insert(txn);
    release_if_done(txn);
  }
}

void Ssi::release_if_done(TxnId txn) {
  auto lingering = lingering_.find(txn);
  if (lingering == lingering_.end()) return;
  const Xact& x = xacts_.at(txn);
  if (!x.in.empty() || !x.out.empty()) return;
  lingering_.erase(lingering);
  xacts_.erase(txn);
}

void Ssi::aborted(TxnId txn) {
  maybe_concurrent_.erase(txn);
  auto it = xacts_.find(txn);
  if (it == xacts_.end()) return;
  if (it->second.has_snapshot && !committed(it->second))
    running_snapshots_.erase(running_snapshots_.find(it->second.snapshot_seq));
  drop_locks(txn, it->second);
  std::set<TxnId> others = it->second.out;
  others.insert(it->second.in.begin(), it->second.in.end());
  for (TxnId out : it->second.out) std::erase(xacts_.at(out).in, txn);
  for (TxnId in : it->second.in) xacts_.at(in).out.erase(txn);
  xacts_.erase(it);
  for (TxnId other : others) release_if_done(other);
}

}  // namespace postgres
