//===- DistributedRun.cpp - The driver's side of a run over MPI ranks -----===//
#include "DistributedRun.h"

#include "nsc/support/SystemMemory.h"

#include <algorithm>

namespace nsc::targets {

std::string distributedRefusal(const RunRequest &r) {
  std::string ranks = " does not work with " + std::to_string(rankCount(r.communicator)) +
                      " MPI ranks yet (docs/mpi.md); run on one process";
  if (!r.checkpoint.empty())
    return "--checkpoint" + ranks;
  if (!r.checkpointEvery.empty())
    return "--checkpoint-every" + ranks;
  if (!r.resume.empty())
    return "--resume" + ranks;
  return "";
}

bool allRanks(runtime::Communicator *comm, bool ok) {
  if (rankCount(comm) == 1)
    return ok;
  for (double v : comm->allGatherValue(ok ? 1.0 : 0.0))
    if (v == 0.0)
      return false;
  return true;
}

DistributedTotals gatherRankShares(runtime::Communicator &comm, const network::RunResult &res, double buildMs) {
  const network::RankShare &me = res.rankShare;
  double computeMs = std::max(0.0, res.runMs - me.exchangeMs);
  // One gather per figure: a handful of doubles once per run. Counts are
  // exact in a double up to 2^53.
  auto all = [&](double v) { return comm.allGatherValue(v); };
  std::vector<double> build = all(buildMs), run = all(res.runMs), exchange = all(me.exchangeMs),
                      compute = all(computeMs), neurons = all(double(me.neurons)),
                      synapses = all(double(me.synapses)), bytes = all(double(me.synapseBytes)),
                      peak = all(double(peakResidentBytes())), words = all(double(me.wordsSent));
  DistributedTotals t;
  nlohmann::json ranks = nlohmann::json::array();
  double computeSum = 0, computeMax = 0, exchangeSum = 0, runSum = 0;
  for (size_t r = 0; r < build.size(); ++r) {
    t.synapses += uint64_t(synapses[r]);
    t.synapseBytes += uint64_t(bytes[r]);
    computeSum += compute[r];
    computeMax = std::max(computeMax, compute[r]);
    exchangeSum += exchange[r];
    runSum += run[r];
    ranks.push_back({{"rank", r},
                     {"build_ms", build[r]},
                     {"run_ms", run[r]},
                     {"exchange_ms", exchange[r]},
                     {"compute_ms", compute[r]},
                     {"neurons", uint64_t(neurons[r])},
                     {"synapses", uint64_t(synapses[r])},
                     {"synapse_bytes", uint64_t(bytes[r])},
                     {"peak_rss_bytes", uint64_t(peak[r])},
                     {"words_sent", uint64_t(words[r])}});
  }
  double n = double(build.size());
  t.stats["mpi"] = comm.describe();
  t.stats["window_steps"] = me.windowSteps;
  t.stats["exchanges"] = me.exchanges;
  t.stats["exchange_share"] = runSum > 0 ? exchangeSum / runSum : 0.0;
  t.stats["load_imbalance"] = computeSum > 0 ? computeMax / (computeSum / n) : 1.0;
  t.stats["ranks"] = ranks;
  return t;
}

} // namespace nsc::targets
