// Sweeps and studies cut into shards that run apart (the tasks of a Slurm array job, say) and a
// merge that joins their partial results into the result one unsharded run would have given.
//
// A sweep's work is its seeds; a study's is its cells times its seeds, cell after cell. Shard K
// of N takes the K-th of N contiguous slices of that work, K from 0. Its partial result holds
// what every seed gave (verdicts, events, trace hash) and the histograms merged over its runs,
// each slice by cell: everything the reports are made of. Merging concatenates the outcomes in
// seed order and adds the histograms, then tallies as one sweep does, so the reports are the
// same byte for byte.
//
// Determinism: a partial depends only on the scenario (or study), the seeds, the slice and the
// binary, never on --jobs or on timing.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "sim/run/study.hpp"
#include "sim/run/sweep.hpp"

namespace sim {

/// A partial that cannot be read, or partials that do not belong together: bad input.
struct ShardError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The work units [first, last) of shard `shard` of `shards` over `total` units.
std::pair<std::uint64_t, std::uint64_t> shard_range(std::uint64_t total, std::uint64_t shard, std::uint64_t shards);

/// The seeds of one cell that a shard ran: seed indexes first_index onwards.
struct SeedSlice {
  std::uint64_t cell = 0;  ///< 0 for a sweep
  std::uint64_t first_index = 0;
  SeedRuns runs;
};

/// One shard's partial result.
struct Partial {
  std::string command;  ///< "sweep" or "study"
  std::string binary;   ///< the identity of the binary that ran it
  std::string file;     ///< the scenario or study file
  std::string file_hash;
  std::uint64_t first_seed = 1;
  std::uint64_t seeds = 0;  ///< a sweep's seeds; a study's seeds per cell
  std::uint64_t cells = 1;  ///< 1 for a sweep; a varied sweep's values
  std::string vary;         ///< a varied sweep's --vary text, as given; "" otherwise
  std::uint64_t failing_seed_limit = 20;
  std::uint64_t shard = 0;
  std::uint64_t shards = 1;
  std::vector<SeedSlice> slices;  ///< in cell and seed order
};

/// The hash that names a scenario or study file's text in a partial.
std::string file_hash_of(const std::string& text);

/// Runs shard partial.shard of partial.shards of a sweep; the partial's identity fields must be
/// filled in already. Outcomes are short (the sweep stopped) when options.stop was set.
void run_sweep_shard(const Scenario& scenario, const SweepOptions& options, Partial& partial);
/// Runs a shard of a varied sweep: each value's scenario is a cell of partial.seeds seeds
/// (options.first_seed onwards), as a study's cells are.
void run_varied_sweep_shard(const std::vector<const Scenario*>& values, const SweepOptions& options,
                            Partial& partial);
/// Runs a shard of a study's cells (partial.seeds per cell) on `jobs` threads.
void run_study_shard(const std::vector<StudyCell>& cells, unsigned jobs, Partial& partial);
/// Whether every seed of the partial's slice ran (false after a stop).
bool shard_complete(const Partial& partial);

/// How two partials differ in what makes them shards of one run (command, binary, file and its
/// text, seeds, shard count), in words; "" when they agree.
std::string partial_disagreement(const Partial& a, const Partial& b);

std::string partial_json(const Partial& partial);
/// Reads a partial file; a ShardError names the file and what is wrong.
Partial read_partial(const std::string& path);

/// Checks that the partials are the shards 0..N-1 of one sweep or study, each once, from one
/// binary and one file text, and orders them by shard; a ShardError says which one is missing,
/// repeated or foreign.
std::vector<Partial> check_partials(std::vector<std::pair<std::string, Partial>> partials);

/// Every cell's runs, joined from the checked partials.
std::vector<SeedRuns> join_partials(const std::vector<Partial>& partials);

}  // namespace sim
