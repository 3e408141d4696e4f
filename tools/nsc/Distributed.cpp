//===- Distributed.cpp - nsc started by mpirun ----------------------------===//
#include "Distributed.h"
#include "Subcommands.h"

#ifdef NSC_HAVE_MPI
#include "nsc/mpi/MpiCommunicator.h"
#endif

#include <iostream>

namespace nsc::driver {

bool ProcessGroup::start(int *argc, char ***argv, int &status) {
#ifdef NSC_HAVE_MPI
  comm_ = mpi::startIfLaunched(argc, argv);
  (void)status;
  return true;
#else
  (void)argc, (void)argv;
  if (int n = runtime::launcherRanks(); n > 1) {
    std::cerr << "nsc: error: started as one of " << n
              << " MPI ranks, but this nsc was built without MPI, so every rank would run the whole network "
                 "alone; install Open MPI (Debian libopenmpi-dev, openmpi-bin; scripts/install-deps) and "
                 "rebuild, or run without mpirun\n";
    status = 2;
    return false;
  }
  return true;
#endif
}

bool ProcessGroup::refusesSubcommand(int argc, char **argv, int &status) const {
  if (ranks() > 1 && argc > 1)
    for (const Subcommand &s : subcommands())
      if (s.name == argv[1]) {
        status = refuse("nsc " + s.name);
        return true;
      }
  return false;
}

int ProcessGroup::checkRun(const std::string &target, bool runs) const {
  if (ranks() == 1)
    return -1;
  if (target != "cpu" && target != "interp")
    return refuse(target.empty() ? "checking or printing a model (no --target)" : "--target=" + target);
  if (!runs)
    return refuse("--target=" + target + " without --run");
  return -1;
}

int ProcessGroup::refuse(const std::string &what) const {
  if (comm_ && comm_->rank() == 0)
    std::cerr << "nsc: error: " << what << " does not run with " << ranks()
              << " MPI ranks; under mpirun nsc runs networks on --target=cpu or --target=interp with --run "
                 "(docs/mpi.md)\n";
  return 2;
}

} // namespace nsc::driver
