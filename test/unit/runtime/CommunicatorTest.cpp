// The single-process communicator and the launcher detection that a build
// without MPI uses to refuse `mpirun -np N nsc ...` (docs/mpi.md).
#include "nsc/runtime/Communicator.h"

#include <gtest/gtest.h>

#include <cstdlib>

using namespace nsc::runtime;

TEST(Communicator, SingleProcessIsRankZeroOfOne) {
  SingleProcess one;
  EXPECT_EQ(one.rank(), 0);
  EXPECT_EQ(one.size(), 1);
  std::vector<uint32_t> all;
  std::vector<uint64_t> counts;
  one.allGather({4, 5, 6}, all, counts);
  EXPECT_EQ(all, (std::vector<uint32_t>{4, 5, 6}));
  EXPECT_EQ(counts, (std::vector<uint64_t>{3}));
  EXPECT_EQ(one.allGatherValue(2.5), (std::vector<double>{2.5}));
}

TEST(Communicator, LauncherRanksFromTheEnvironment) {
  // Saved and restored: ctest may itself run under a launcher.
  const char *names[] = {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE"};
  std::string saved[2];
  bool had[2];
  for (int i = 0; i < 2; ++i) {
    const char *v = std::getenv(names[i]);
    had[i] = v != nullptr;
    saved[i] = v ? v : "";
    unsetenv(names[i]);
  }
  EXPECT_EQ(launcherRanks(), 1);
  setenv("OMPI_COMM_WORLD_SIZE", "3", 1);
  EXPECT_EQ(launcherRanks(), 3);
  setenv("OMPI_COMM_WORLD_SIZE", "1", 1);
  EXPECT_EQ(launcherRanks(), 1);
  setenv("OMPI_COMM_WORLD_SIZE", "two", 1); // not a number: not a launcher's
  EXPECT_EQ(launcherRanks(), 1);
  unsetenv("OMPI_COMM_WORLD_SIZE");
  setenv("PMI_SIZE", "4", 1); // MPICH, Intel MPI, srun
  EXPECT_EQ(launcherRanks(), 4);
  unsetenv("PMI_SIZE");
  for (int i = 0; i < 2; ++i)
    if (had[i])
      setenv(names[i], saved[i].c_str(), 1);
}
