//===- Distribution.cpp - A run spread over ranks (docs/mpi.md) -----------===//
//
// Every rank builds the whole network's neuron state (indexed globally, so
// initial values and noise come from the same Philox streams), updates and
// emits only its block of each population ([lo, hi)), and stores only the
// synapses whose target is in its blocks. The spikes of the steps since the
// last exchange are exchanged every `window_` steps (the minimum delay: a
// spike of step k is read no earlier than step k + d_min), then every rank
// records and delivers them step by step, population by population, in
// ascending neuron order: the order of one process, so each neuron's input
// is summed in the same order and the results are bit-identical (R36).
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include <algorithm>
#include <chrono>
#include <cstring>

namespace nsc::network {

using namespace ir;

namespace {

enum Status : uint32_t { Running = 0, StopRequested = 1, Failed = 2 };

} // namespace

std::pair<uint64_t, uint64_t> ownedBlock(uint64_t n, int rank, int ranks) {
  // Blocks of a multiple of 16 neurons (the model phase's vector width):
  // contiguous, so concatenating the ranks' spikes in rank order keeps
  // each population's neurons ascending.
  uint64_t per = (n + uint64_t(ranks) - 1) / uint64_t(ranks);
  per = (per + 15) / 16 * 16;
  uint64_t lo = std::min<uint64_t>(n, per * uint64_t(rank));
  return {lo, std::min<uint64_t>(n, lo + per)};
}

bool NetworkSimulation::checkDistributable() {
  std::string ranks = " with " + std::to_string(comm_->size()) + " MPI ranks";
  if (!net_.synapseRecorders.empty()) {
    const SynapseRecorder &r = net_.synapseRecorders.front();
    return fail(r.loc, "synapse recorder '" + r.label + "' does not run" + ranks +
                           " yet; run this network on one process");
  }
  for (const Projection &pr : net_.projections)
    if (pr.hasSynapse)
      return fail(pr.loc, "a projection with a synapse model (plastic synapses) does not run" + ranks +
                              " yet; run this network on one process");
  for (const Projection &pr : net_.projections)
    if (pr.coupling != Coupling::None) // reads other ranks' variables every step
      return fail(pr.loc, std::string(pr.coupling == Coupling::GapJunction ? "a gap junction" : "a variable projection") +
                              " does not run" + ranks + " yet; run this network on one process");
  return true;
}

bool NetworkSimulation::localOnly(const char *what, std::string &error) const {
  if (!distributed())
    return true;
  error = std::string(what) + " does not work with " + std::to_string(comm_->size()) +
          " MPI ranks yet; run on one process";
  return false;
}

void NetworkSimulation::keepOwnedTargets(const PopulationRuntime &tgt, std::vector<uint32_t> &source,
                                         std::vector<uint32_t> &target, std::vector<double> &weight,
                                         std::vector<uint32_t> &delaySteps) const {
  // The one place a rank drops synapses: those whose target another rank
  // updates. The kept ones keep their relative order (rows stay in the
  // connection order of one process).
  if (!distributed())
    return;
  size_t kept = 0;
  for (size_t s = 0; s < source.size(); ++s)
    if (target[s] >= tgt.lo && target[s] < tgt.hi) {
      source[kept] = source[s];
      target[kept] = target[s];
      weight[kept] = weight[s];
      delaySteps[kept] = delaySteps[s];
      ++kept;
    }
  for (auto *v : {&source, &target}) {
    v->resize(kept);
    v->shrink_to_fit();
  }
  weight.resize(kept);
  weight.shrink_to_fit();
  delaySteps.resize(kept);
  delaySteps.shrink_to_fit();
}

void NetworkSimulation::narrowToOwnedTargets(runtime::ConnectionSpec &spec, const PopulationRuntime &tgt) const {
  uint64_t b = std::min(std::max(spec.target.begin, tgt.lo), spec.target.end);
  uint64_t e = std::max(b, std::min(spec.target.end, tgt.hi));
  if (spec.rule == runtime::ConnectRule::SmallWorld && spec.ringOrigin == UINT64_MAX)
    spec.ringOrigin = spec.target.begin; // the whole projection's ring, not the rank's part
  if (spec.rule == runtime::ConnectRule::OneToOne) { // source i pairs with target i of the slices
    spec.source.begin += b - spec.target.begin;
    spec.source.end = spec.source.begin + (e - b);
  }
  spec.target.begin = b;
  spec.target.end = e;
}

void NetworkSimulation::bufferOwnedSpikes() {
  if (windowSteps_ == 0) {
    windowFirst_ = step_ - 1;
    sendBuffer_.assign(1, Running);
  }
  for (PopulationRuntime &ps : pops_) {
    sendBuffer_.push_back(uint32_t(ps.fired.size()));
    for (size_t q = 0; q < ps.fired.size(); ++q) {
      sendBuffer_.push_back(ps.fired[q]);
      sendBuffer_.push_back(ps.multiplicity[q]);
    }
  }
  ++windowSteps_;
}

bool NetworkSimulation::exchangeWindow(RunResult &res, bool failed, bool &stop) {
  auto t0 = std::chrono::steady_clock::now();
  if (windowSteps_ == 0)
    sendBuffer_.assign(1, Running);
  if (failed)
    sendBuffer_.assign(1, Failed); // its message is on this rank's stderr
  else if (stop)
    sendBuffer_[0] = StopRequested;
  std::vector<uint64_t> counts;
  comm_->allGather(sendBuffer_, receiveBuffer_, counts);
  share_.exchanges += 1;
  share_.wordsSent += sendBuffer_.size();
  share_.exchangeMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  uint64_t steps = windowSteps_;
  windowSteps_ = 0;
  // Each rank's part starts with its status.
  std::vector<const uint32_t *> cursor;
  const uint32_t *at = receiveBuffer_.data();
  stop = false;
  int failedRank = -1;
  for (size_t r = 0; r < counts.size(); ++r) {
    if (at[0] == Failed && failedRank < 0)
      failedRank = int(r);
    stop = stop || at[0] == StopRequested;
    cursor.push_back(at + 1);
    at += counts[r];
  }
  if (failed)
    return false;
  if (failedRank >= 0)
    return fail(net_.loc, "the run stopped on MPI rank " + std::to_string(failedRank) +
                              " (its error is reported by that rank)");
  for (uint64_t j = 0; j < steps; ++j)
    emitWindowStep(cursor, res, windowFirst_ + j);
  return true;
}

void NetworkSimulation::emitWindowStep(std::vector<const uint32_t *> &cursor, RunResult &res, uint64_t k) {
  for (PopulationRuntime &ps : pops_) {
    ps.fired.clear();
    ps.multiplicity.clear();
    // Rank order = ascending neuron order (contiguous blocks).
    for (int r = 0; r < comm_->size(); ++r) {
      uint32_t c = *cursor[r]++;
      for (uint32_t q = 0; q < c; ++q) {
        ps.fired.push_back(cursor[r][0]);
        ps.multiplicity.push_back(cursor[r][1]);
        cursor[r] += 2;
      }
    }
  }
  (void)recordAndDeliver(k, res); // only plastic projections can fail, and they do not run distributed
}

void NetworkSimulation::gatherTraces(RunResult &res) {
  // Every recording in the same order on every rank; the rows each rank
  // sampled since the last gather (its neurons) are exchanged, then sorted
  // back into one process's order: step, trace spec, neuron.
  std::vector<runtime::TraceRecording *> recordings{&res.traces};
  for (auto &[label, rec] : res.recorded)
    recordings.push_back(&rec);
  auto put64 = [](std::vector<uint32_t> &b, uint64_t v) {
    b.push_back(uint32_t(v));
    b.push_back(uint32_t(v >> 32));
  };
  auto get64 = [](const uint32_t *p) { return uint64_t(p[0]) | uint64_t(p[1]) << 32; };
  for (runtime::TraceRecording *rec : recordings) {
    std::vector<uint32_t> &specs = traceRowSpec_[rec];
    const size_t nv = rec->variables.size(), first = rec->rows() - specs.size();
    std::vector<uint32_t> mine;
    for (size_t r = first; r < rec->rows(); ++r) {
      put64(mine, rec->step[r]);
      mine.push_back(specs[r - first]);
      mine.push_back(rec->population[r]);
      put64(mine, rec->index[r]);
      for (size_t v = 0; v < nv; ++v) {
        uint64_t bits;
        std::memcpy(&bits, &rec->values[r * nv + v], 8);
        put64(mine, bits);
      }
    }
    std::vector<uint32_t> all;
    std::vector<uint64_t> counts;
    auto t0 = std::chrono::steady_clock::now();
    comm_->allGather(mine, all, counts);
    share_.wordsSent += mine.size();
    share_.exchangeMs += std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const size_t rowWords = 6 + 2 * nv;
    std::vector<const uint32_t *> rows;
    for (size_t at = 0; at + rowWords <= all.size(); at += rowWords)
      rows.push_back(all.data() + at);
    std::stable_sort(rows.begin(), rows.end(), [&](const uint32_t *a, const uint32_t *b) {
      uint64_t ka = get64(a), kb = get64(b);
      if (ka != kb)
        return ka < kb;
      if (a[2] != b[2])
        return a[2] < b[2];
      return get64(a + 4) < get64(b + 4);
    });
    rec->step.resize(first);
    rec->population.resize(first);
    rec->index.resize(first);
    rec->values.resize(first * nv);
    std::vector<double> vals(nv);
    for (const uint32_t *r : rows) {
      for (size_t v = 0; v < nv; ++v) {
        uint64_t bits = get64(r + 6 + 2 * v);
        std::memcpy(&vals[v], &bits, 8);
      }
      rec->addRow(get64(r), r[3], get64(r + 4), vals.data());
    }
    specs.clear();
  }
}

} // namespace nsc::network
