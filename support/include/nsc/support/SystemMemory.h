//===- SystemMemory.h - How much memory this process may still use -*- C++ -*-===//
//
// The memory a run may allocate before the system or a limit stops it, for
// refusing a network up front instead of failing in the middle of building
// it (docs/reliability.md). Linux: the smallest of
//   - MemAvailable in /proc/meminfo (what the kernel can give without
//     swapping),
//   - the headroom under RLIMIT_AS (`ulimit -v`): the limit minus this
//     process's virtual size (VmSize),
//   - the headroom under RLIMIT_DATA (`ulimit -d`): the limit minus VmData,
//   - the headroom under this process's cgroup v2 memory.max (batch
//     schedulers, containers): memory.max minus memory.current.
// Sizes are parsed and printed in binary units (1 KiB = 1024 bytes), as
// `ulimit`, Slurm's --mem and `free` use them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace nsc {

struct MemoryBudget {
  uint64_t bytes = UINT64_MAX; // UINT64_MAX: nothing limits it (or nothing could be read)
  /// What sets it: "MemAvailable", "the headroom under ulimit -v (RLIMIT_AS)", ...
  std::string source;
};

/// The memory this process may still allocate, by the rules above.
MemoryBudget systemMemoryBudget();

/// Resident set size of this process now, and its peak so far (bytes; 0
/// when it cannot be read).
uint64_t currentResidentBytes();
uint64_t peakResidentBytes();

/// "8G", "8 GiB", "512M", "1.5GB", "4096" (bytes): a size in bytes, with
/// K/M/G/T (optionally followed by "B" or "iB") as powers of 1024. Empty
/// with `error` set for anything else, zero and sizes beyond 2^63.
std::optional<uint64_t> parseMemorySize(const std::string &text, std::string &error);

/// "1.5 GiB", "312 MiB", "12 KiB", "100 B": three significant digits.
std::string formatBytes(uint64_t bytes);

} // namespace nsc
