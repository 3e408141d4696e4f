//===- Communicator.cpp - The single-process communicator ------------------===//
#include "nsc/runtime/Communicator.h"

#include <cstdlib>
#include <string>

namespace nsc::runtime {

void SingleProcess::allGather(const std::vector<uint32_t> &mine, std::vector<uint32_t> &all,
                              std::vector<uint64_t> &counts) {
  all = mine;
  counts.assign(1, mine.size());
}

void SingleProcess::abort(int status) { std::exit(status); }

int launcherRanks() {
  // Open MPI's mpirun; MPICH's and Intel MPI's launchers and srun (PMI).
  // Not SLURM_NTASKS: a batch job sets it for processes started without srun.
  for (const char *name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"}) {
    const char *v = std::getenv(name);
    if (!v || !*v)
      continue;
    char *end = nullptr;
    long n = std::strtol(v, &end, 10);
    if (end && !*end && n > 1)
      return int(n);
  }
  return 1;
}

} // namespace nsc::runtime
