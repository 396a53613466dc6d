// A ceiling on the memory a command may take, set with --memory-limit (2GiB, 512MiB, ...). It
// caps the process's address space (setrlimit RLIMIT_AS), so a run that would grow past it fails
// an allocation, which the command reports as the limit reached (status 2) instead of taking the
// machine's memory and swap. The cap is on address space, not resident memory: thread stacks and
// the allocator's reserve count, so leave some room above the run's peak.
//
// A build with AddressSanitizer cannot enforce it (the sanitizer reserves terabytes of address
// space for its shadow memory), and refuses the option rather than ignore it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sim::cli {

/// Bytes in a size written as digits and a unit: B, KiB, MiB, GiB or TiB (K, M, G and T too,
/// as the same powers of 1024). nullopt for anything else, zero included.
std::optional<std::uint64_t> parse_memory_size(std::string_view text);

/// Caps this process's address space at `bytes`; throws std::runtime_error saying why it cannot.
void apply_memory_limit(std::uint64_t bytes);

/// The limit applied, as the user wrote it, for the message when it is reached; empty if none.
const std::string& memory_limit_text();
void set_memory_limit_text(std::string text);

}  // namespace sim::cli
