// Simulation.h - the step loop every hand-written reference shares.
//
// Written as a careful programmer would for nsc's float64 semantics
// (docs/semantics.md): per step, every population updates its neurons
// (reading this step's ring-buffer slot, then clearing it), then every
// projection in declaration order delivers the spikes of this step, sources
// in ascending index, each row in CSR order, into the slot `delay` steps
// ahead (R13-R17). The sum into a neuron's port is therefore formed in the
// same order as nsc's, so the float64 results are the same bits. The model
// arithmetic lives in each reference (cuba.cpp, coba.cpp) as a functor.
#pragma once

#include "NetworkImage.h"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace ref {

/// Ring buffer of one population: D slots x ports x n (sums and counts).
struct Ring {
  uint64_t D = 2, ports = 0, n = 0;
  std::vector<double> sum;
  std::vector<uint32_t> count;
  void init(const Population &p) {
    D = p.ringSlots, ports = p.ports, n = p.n;
    sum.assign(D * ports * n, 0.0);
    count.assign(D * ports * n, 0);
  }
  size_t at(uint64_t k, uint64_t port) const { return size_t((k % D) * ports * n + port * n); }
};

struct Options {
  std::string image;
  double durationMs = 1000;
};

inline Options parseArgs(int argc, char **argv) {
  Options o;
  for (int a = 1; a < argc; ++a) {
    std::string s = argv[a];
    if (s.rfind("--run-ms=", 0) == 0)
      o.durationMs = std::atof(s.c_str() + 9);
    else if (!s.empty() && s[0] != '-')
      o.image = s;
    else
      die("usage: " + std::string(argv[0]) + " network.nscimg [--run-ms=1000]");
  }
  if (o.image.empty())
    die("usage: " + std::string(argv[0]) + " network.nscimg [--run-ms=1000]");
  return o;
}

/// Appends the indices of the neurons whose flag is set (the update loops
/// write int64 flags, one lane width with the doubles, so they vectorise).
inline void appendFired(const std::vector<int64_t> &spiked, std::vector<uint32_t> &fired) {
  for (size_t i = 0; i < spiked.size(); ++i)
    if (spiked[i])
      fired.push_back(uint32_t(i));
}

/// Runs `steps` steps; `update(pop, k, ring, fired)` updates population pop
/// at step k and appends the indices that fire (ascending). Prints JSON.
template <class Update>
int run(const Network &net, const Options &opt, Update update, const char *name) {
  uint64_t steps = uint64_t(opt.durationMs / net.dt + 0.5);
  std::vector<Ring> rings(net.populations.size());
  for (size_t p = 0; p < rings.size(); ++p)
    rings[p].init(net.populations[p]);
  std::vector<std::vector<uint32_t>> fired(net.populations.size());
  std::vector<uint64_t> spikes(net.populations.size(), 0);
  auto t0 = std::chrono::steady_clock::now();
  for (uint64_t k = 0; k < steps; ++k) {
    for (size_t p = 0; p < net.populations.size(); ++p) {
      fired[p].clear();
      update(p, k, rings[p], fired[p]);
      spikes[p] += fired[p].size();
    }
    for (const Projection &q : net.projections) {
      Ring &ring = rings[q.target];
      for (uint32_t s : fired[q.source]) {
        for (uint64_t at = q.rowPtr[s]; at < q.rowPtr[s + 1]; ++at) {
          double w = q.weights[at];
          uint64_t port = q.basePort;
          if (q.negativePort >= 0 && w < 0) {
            port = uint64_t(q.negativePort);
            w = -w;
          }
          size_t r = ring.at(k + q.delays[at], port) + q.targets[at];
          ring.sum[r] += w;
          ring.count[r] += 1;
        }
      }
    }
  }
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  uint64_t total = 0;
  std::printf("{\"reference\": \"%s\", \"steps\": %llu, \"run_ms\": %.3f, \"populations\": {", name,
              (unsigned long long)steps, ms);
  for (size_t p = 0; p < spikes.size(); ++p) {
    total += spikes[p];
    std::printf("%s\"%s\": %llu", p ? ", " : "", net.populations[p].name.c_str(), (unsigned long long)spikes[p]);
  }
  std::printf("}, \"spikes\": %llu}\n", (unsigned long long)total);
  return 0;
}

/// A parameter every neuron of `p` shares (the reference keeps it in a
/// register); a population whose values differ is refused.
inline double uniformReal(const Population &p, unsigned slot, const char *what) {
  double x = p.real(slot, 0);
  for (uint64_t i = 1; i < p.n; ++i)
    if (std::memcmp(&p.cells[slot * p.n + i], &p.cells[slot * p.n], 8) != 0)
      die(p.name + ": " + what + " differs between neurons");
  return x;
}

} // namespace ref
