//===- MpiCommunicator.cpp - The MPI communicator (the one user of mpi.h) -===//
#include "nsc/mpi/MpiCommunicator.h"

#include <mpi.h>

#include <climits>
#include <cstdio>
#include <cstdlib>

namespace nsc::mpi {

namespace {

class MpiCommunicator final : public runtime::Communicator {
public:
  MpiCommunicator() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiCommunicator() override { MPI_Finalize(); }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  void allGather(const std::vector<uint32_t> &mine, std::vector<uint32_t> &all,
                 std::vector<uint64_t> &counts) override {
    // Lengths first, then the data (MPI_Allgatherv takes int counts: a
    // window of more than 2^31 words would need a split; refuse it).
    unsigned long long n = mine.size();
    std::vector<unsigned long long> lengths(size_t(size_), 0);
    MPI_Allgather(&n, 1, MPI_UNSIGNED_LONG_LONG, lengths.data(), 1, MPI_UNSIGNED_LONG_LONG, MPI_COMM_WORLD);
    std::vector<int> recvCounts(static_cast<size_t>(size_), 0), displs(static_cast<size_t>(size_), 0);
    unsigned long long total = 0;
    counts.assign(size_t(size_), 0);
    for (int r = 0; r < size_; ++r) {
      if (total + lengths[r] > (unsigned long long)INT_MAX) {
        std::fprintf(stderr, "nsc: error: one spike exchange exceeds 2^31 words; use fewer neurons per rank\n");
        abort(1);
      }
      counts[size_t(r)] = lengths[r];
      recvCounts[size_t(r)] = int(lengths[r]);
      displs[size_t(r)] = int(total);
      total += lengths[r];
    }
    all.resize(size_t(total));
    MPI_Allgatherv(mine.data(), int(n), MPI_UINT32_T, all.data(), recvCounts.data(), displs.data(), MPI_UINT32_T,
                   MPI_COMM_WORLD);
  }

  std::vector<double> allGatherValue(double value) override {
    std::vector<double> all(size_t(size_), 0.0);
    MPI_Allgather(&value, 1, MPI_DOUBLE, all.data(), 1, MPI_DOUBLE, MPI_COMM_WORLD);
    return all;
  }

  void abort(int status) override {
    std::fflush(stdout);
    std::fflush(stderr);
    MPI_Abort(MPI_COMM_WORLD, status);
    std::exit(status); // MPI_Abort does not return; this satisfies [[noreturn]]
  }

  std::string describe() const override {
    char version[MPI_MAX_LIBRARY_VERSION_STRING];
    int len = 0;
    MPI_Get_library_version(version, &len);
    std::string v(version, size_t(len));
    if (size_t comma = v.find(','); comma != std::string::npos)
      v.resize(comma); // "Open MPI v4.1.4, package: ..." -> "Open MPI v4.1.4"
    return "MPI (" + v + "), " + std::to_string(size_) + " ranks";
  }

private:
  int rank_ = 0, size_ = 1;
};

} // namespace

std::unique_ptr<runtime::Communicator> startIfLaunched(int *argc, char ***argv) {
  if (runtime::launcherRanks() <= 1)
    return nullptr;
  int provided = 0;
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  auto comm = std::make_unique<MpiCommunicator>();
  if (comm->size() <= 1)
    return nullptr; // MPI_Finalize in the destructor
  return comm;
}

} // namespace nsc::mpi
