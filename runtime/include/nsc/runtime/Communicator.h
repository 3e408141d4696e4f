//===- Communicator.h - The processes a run is spread over ------*- C++ -*-===//
//
// The one interface between the network engine and the processes of a
// distributed run (docs/mpi.md). The engine sees ranks and two collective
// operations; only runtime/mpi implements them with MPI (the one file that
// includes mpi.h), and a run on one process uses SingleProcess.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace nsc::runtime {

class Communicator {
public:
  virtual ~Communicator() = default;
  /// This process's rank, 0 .. size() - 1.
  virtual int rank() const = 0;
  /// The number of processes in the run (1: not distributed).
  virtual int size() const = 0;
  /// Collective: every rank's `mine`, concatenated in rank order, into
  /// `all`; `counts[r]` is the length of rank r's part.
  virtual void allGather(const std::vector<uint32_t> &mine, std::vector<uint32_t> &all,
                         std::vector<uint64_t> &counts) = 0;
  /// Collective: every rank's `value`, in rank order.
  virtual std::vector<double> allGatherValue(double value) = 0;
  /// Ends every process of the run with `status` (for failures that happen
  /// on one rank outside the engine's collective checks: out of memory).
  [[noreturn]] virtual void abort(int status) = 0;
  /// "MPI (Open MPI v4.1.4), 3 ranks" or "one process".
  virtual std::string describe() const = 0;
};

/// A run on one process: rank 0 of 1; the collectives copy.
class SingleProcess final : public Communicator {
public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void allGather(const std::vector<uint32_t> &mine, std::vector<uint32_t> &all,
                 std::vector<uint64_t> &counts) override;
  std::vector<double> allGatherValue(double value) override { return {value}; }
  [[noreturn]] void abort(int status) override;
  std::string describe() const override { return "one process"; }
};

/// How many processes a launcher (Open MPI's mpirun; PMI launchers: MPICH,
/// Intel MPI, srun) started alongside this one, read from the
/// environment it sets; 1 when none did. A build without MPI uses it to
/// refuse a run it would otherwise repeat once per rank.
int launcherRanks();

} // namespace nsc::runtime
