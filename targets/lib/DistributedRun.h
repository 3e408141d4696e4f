//===- DistributedRun.h - The driver's side of a run over MPI ranks -*- C++ -*-===//
//
// What runOnNetworkRuntime does differently when mpirun spread the run
// over several ranks (docs/mpi.md): the options that do not work there
// yet are refused, the ranks agree on failures before each collective
// step, and --stats gathers each rank's share.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/network/Simulation.h"
#include "nsc/targets/RunRequest.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <new>
#include <string>

namespace nsc::targets {

/// The ranks of the run (1 when `comm` is null).
inline int rankCount(const runtime::Communicator *comm) { return comm ? comm->size() : 1; }
/// Whether this process writes the outputs and prints (rank 0).
inline bool leadRank(const runtime::Communicator *comm) { return !comm || comm->rank() == 0; }

/// Empty, or an error naming the first option of `r` that does not work
/// with several ranks yet.
std::string distributedRefusal(const RunRequest &r);

/// Runs `f`. Under several ranks, running out of memory in it ends the
/// whole job after saying so (`what`: "building the network"): the other
/// ranks would wait for this one forever. On one process it is rethrown.
template <class F>
auto endJobOnOutOfMemory(runtime::Communicator *comm, const char *what, F &&f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::bad_alloc &) {
    if (rankCount(comm) > 1) {
      std::cerr << "nsc: error: out of memory while " << what << " on MPI rank " << comm->rank() << "\n";
      comm->abort(1);
    }
    throw;
  }
}

/// Collective: true when `ok` holds on every rank.
bool allRanks(runtime::Communicator *comm, bool ok);

/// Collective: the run's totals over the ranks (synapses and their bytes
/// are stored where their targets are) and, for --stats, each rank's build
/// time, run time, exchange time, neurons, synapses and peak memory, with
/// the load imbalance (slowest rank's compute time / the mean).
struct DistributedTotals {
  uint64_t synapses = 0, synapseBytes = 0;
  nlohmann::json stats; // {"mpi": ..., "ranks": [...], "load_imbalance": ...}
};
DistributedTotals gatherRankShares(runtime::Communicator &comm, const network::RunResult &res, double buildMs);

} // namespace nsc::targets
