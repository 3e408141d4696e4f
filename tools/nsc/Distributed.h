//===- Distributed.h - nsc started by mpirun --------------------*- C++ -*-===//
//
// The processes this nsc runs among (docs/mpi.md). Under a launcher with
// several ranks, a build with MPI spreads `--target=cpu|interp --run` over
// them; everything else (other targets, --emit, the subcommands, a build
// without MPI) is refused with a message naming it, instead of being done
// once per rank.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/runtime/Communicator.h"

#include <memory>
#include <string>

namespace nsc::driver {

class ProcessGroup {
public:
  /// Starts MPI when a launcher started several ranks. False, with the
  /// exit status in `status`, after an error (several ranks, no MPI).
  bool start(int *argc, char ***argv, int &status);
  int ranks() const { return comm_ ? comm_->size() : 1; }
  /// Null on one process.
  runtime::Communicator *communicator() const { return comm_.get(); }
  /// Under several ranks: when argv names a subcommand (nsc verify, ...),
  /// true after an error, with the exit status in `status`.
  bool refusesSubcommand(int argc, char **argv, int &status) const;
  /// Under several ranks: the exit status (2) after an error when the
  /// command line does not run a network on cpu or interp; -1 when it does
  /// (or on one process).
  int checkRun(const std::string &target, bool runs) const;
  /// An error naming what cannot run distributed (`what`: "nsc verify",
  /// "--target=loihi", ...); returns 2.
  int refuse(const std::string &what) const;

private:
  std::unique_ptr<runtime::Communicator> comm_;
};

} // namespace nsc::driver
