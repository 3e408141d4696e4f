// The emulation's network driver: a whole network image run the way
// nsc_cuda_launcher.cpp runs it on a GPU — per step, spike counters zeroed,
// each model population's step kernel, each projection's delivery kernel
// in declaration order — with the generated kernels compiled as host code
// (host_shim.h). Kernels run thread after thread: step kernels one thread
// per block (their spike compaction is a block collective, so the spike
// list is rebuilt here from the multiplicities, in neuron order; delivery
// does not depend on that order), pre-synaptic delivery in blocks of 32
// (lanes over a row), post-synaptic delivery one thread per block (each
// thread stages the whole source itself). Networks with sources or
// current inputs are refused. Prints every spike as "step,population,neuron".
#pragma once

#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <vector>

namespace nsc_emu {

struct Kernels {
  std::map<std::string, void (*)(nsc_pop, nsc_u64)> pops;
  std::map<std::string, void (*)(nsc_proj, nsc_u64)> projs;
};

struct ImgReader {
  std::ifstream in;
  nsc_u64 u64() {
    nsc_u64 v = 0;
    in.read(reinterpret_cast<char *>(&v), 8);
    return v;
  }
  double f64() {
    double v = 0;
    in.read(reinterpret_cast<char *>(&v), 8);
    return v;
  }
  std::string str() {
    std::string s(u64(), '\0');
    in.read(&s[0], std::streamsize(s.size()));
    return s;
  }
  template <class T> std::vector<T> vec() {
    std::vector<T> v(u64());
    in.read(reinterpret_cast<char *>(v.data()), std::streamsize(v.size() * sizeof(T)));
    return v;
  }
};

struct Pop {
  std::string name, kernel;
  nsc_u64 kind = 0, n = 0, D = 0, ports = 0;
  std::vector<nsc_u64> cells;
  std::vector<double> constInput, countWeight, ringValue;
  std::vector<nsc_u32> ringCount, mult, spikes, spikeCount;
  std::vector<nsc_u64> status;
  nsc_pop P = {};
};

struct Proj {
  nsc_u64 src = 0, tgt = 0, strategy = 0;
  std::string kernel;
  std::vector<nsc_u64> rowPtr, colPtr;
  std::vector<nsc_u32> targets, delays, colSrc, colD;
  std::vector<double> weights, colW;
  nsc_proj Q = {};
};

inline int runNetwork(int argc, char **argv, const Kernels &kernels) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s network.nscimg STEPS\n", argv[0]);
    return 2;
  }
  ImgReader r{std::ifstream(argv[1], std::ios::binary)};
  char magic[8];
  r.in.read(magic, 8);
  double dt = r.f64();
  if (!r.in || std::string(magic, 8) != "NSCCUDA1") {
    std::fprintf(stderr, "not a network image: %s\n", argv[1]);
    return 2;
  }
  std::vector<Pop> pops(r.u64());
  for (Pop &p : pops) {
    p.name = r.str();
    p.kernel = r.str();
    p.kind = r.u64();
    p.n = r.u64();
    p.D = r.u64();
    p.ports = r.u64();
    r.u64(); // row size
    r.u64(); // count mask (compiled into the kernel)
    nsc_u64 rngKey = r.u64();
    p.cells = r.vec<nsc_u64>();
    p.constInput = r.vec<double>();
    p.countWeight = r.vec<double>();
    r.f64(), r.f64(), r.f64(), r.u64(), r.u64(), r.u64(), r.f64(); // source parameters
    r.vec<nsc_u64>(), r.vec<nsc_u64>();                          // schedules
    for (nsc_u64 w = r.u64(); w > 0; --w)
      r.str();
    if (p.kind != NSC_POP_MODEL) {
      std::fprintf(stderr, "population '%s' is a source: not emulated\n", p.name.c_str());
      return 2;
    }
    p.ringValue.assign(p.D * p.ports * p.n + 1, 0.0);
    p.ringCount.assign(p.D * p.ports * p.n + 1, 0);
    p.mult.assign(p.n, 0);
    p.spikes.assign(p.n + 64, 0);
    p.spikeCount.assign(1, 0);
    p.status = {~0ull, 0, 0, 0};
    p.countWeight.resize(p.ports + 1, 0.0);
    bool anyInput = false;
    for (double c : p.constInput)
      anyInput = anyInput || c != 0;
    p.P.n = p.n;
    p.P.D = p.D;
    p.P.ports = p.ports;
    p.P.state = (nsc_u64)p.cells.data();
    p.P.ring_value = (nsc_u64)p.ringValue.data();
    p.P.ring_count = (nsc_u64)p.ringCount.data();
    p.P.count_weight = (nsc_u64)p.countWeight.data();
    p.P.const_input = anyInput ? (nsc_u64)p.constInput.data() : 0;
    p.P.mult = (nsc_u64)p.mult.data();
    p.P.spikes = (nsc_u64)p.spikes.data();
    p.P.spike_count = (nsc_u64)p.spikeCount.data();
    p.P.status = (nsc_u64)p.status.data();
    p.P.rng_key = rngKey;
    p.P.dt = dt;
  }
  std::vector<Proj> projs(r.u64());
  for (Proj &j : projs) {
    j.src = r.u64();
    j.tgt = r.u64();
    j.strategy = r.u64();
    j.kernel = r.str();
    nsc_u64 basePort = r.u64();
    nsc_i64 negPort = (nsc_i64)r.u64();
    j.rowPtr = r.vec<nsc_u64>();
    j.targets = r.vec<nsc_u32>();
    j.weights = r.vec<double>();
    j.delays = r.vec<nsc_u32>();
    if (j.strategy == NSC_DELIVER_CURRENT) {
      std::fprintf(stderr, "continuous projections are not emulated\n");
      return 2;
    }
    const Pop &s = pops[j.src], &t = pops[j.tgt];
    // The launcher's CSC: column t lists its synapses in (source, row position) order.
    j.colPtr.assign(t.n + 1, 0);
    for (nsc_u32 x : j.targets)
      ++j.colPtr[x + 1];
    for (nsc_u64 x = 0; x < t.n; ++x)
      j.colPtr[x + 1] += j.colPtr[x];
    std::vector<nsc_u64> fill(j.colPtr.begin(), j.colPtr.end() - 1);
    j.colSrc.resize(j.targets.size());
    j.colD.resize(j.targets.size());
    j.colW.resize(j.targets.size());
    for (nsc_u64 src = 0; src < s.n; ++src)
      for (nsc_u64 at = j.rowPtr[src]; at < j.rowPtr[src + 1]; ++at) {
        nsc_u64 to = fill[j.targets[at]]++;
        j.colSrc[to] = nsc_u32(src);
        j.colW[to] = j.weights[at];
        j.colD[to] = j.delays[at];
      }
    nsc_proj &Q = j.Q;
    Q.src_n = s.n;
    Q.tgt_n = t.n;
    Q.D = t.D;
    Q.ports = t.ports;
    Q.base_port = basePort;
    Q.neg_port = negPort;
    Q.src_mult = s.P.mult;
    Q.src_spikes = s.P.spikes;
    Q.src_spike_count = s.P.spike_count;
    Q.ring_value = t.P.ring_value;
    Q.ring_count = t.P.ring_count;
    Q.row_ptr = (nsc_u64)j.rowPtr.data();
    Q.row_tgt = (nsc_u64)j.targets.data();
    Q.row_w = (nsc_u64)j.weights.data();
    Q.row_d = (nsc_u64)j.delays.data();
    Q.col_ptr = (nsc_u64)j.colPtr.data();
    Q.col_src = (nsc_u64)j.colSrc.data();
    Q.col_w = (nsc_u64)j.colW.data();
    Q.col_d = (nsc_u64)j.colD.data();
  }
  if (!r.in) {
    std::fprintf(stderr, "truncated network image\n");
    return 2;
  }
  unsigned long long steps = std::stoull(argv[2]);
  for (unsigned long long k = 0; k < steps; ++k) {
    for (Pop &p : pops)
      p.spikeCount[0] = 0;
    for (size_t q = 0; q < pops.size(); ++q) {
      Pop &p = pops[q];
      auto f = kernels.pops.find(p.kernel);
      if (f == kernels.pops.end()) {
        std::fprintf(stderr, "no kernel '%s'\n", p.kernel.c_str());
        return 2;
      }
      blockDim.x = 1;
      gridDim.x = unsigned(p.n);
      threadIdx.x = 0;
      for (nsc_u64 i = 0; i < p.n; ++i) {
        blockIdx.x = unsigned(i);
        f->second(p.P, k);
      }
      nsc_u32 c = 0;
      for (nsc_u64 i = 0; i < p.n; ++i)
        if (p.mult[i])
          p.spikes[c++] = nsc_u32(i);
      p.spikeCount[0] = c;
      for (nsc_u64 i = 0; i < p.n; ++i)
        if (p.mult[i])
          std::printf("%llu,%zu,%llu\n", k, q, i);
    }
    for (Proj &j : projs) {
      auto f = kernels.projs.find(j.kernel);
      if (f == kernels.projs.end()) {
        std::fprintf(stderr, "no kernel '%s'\n", j.kernel.c_str());
        return 2;
      }
      if (j.strategy == NSC_DELIVER_PRE_COUNT) {
        nsc_u64 warps = pops[j.src].n < (1u << 16) ? pops[j.src].n : (1u << 16);
        blockDim.x = 32;
        gridDim.x = unsigned(warps);
        for (nsc_u64 b = 0; b < warps; ++b)
          for (unsigned t = 0; t < 32; ++t) {
            blockIdx.x = unsigned(b);
            threadIdx.x = t;
            f->second(j.Q, k);
          }
      } else {
        blockDim.x = 1;
        gridDim.x = unsigned(pops[j.tgt].n);
        threadIdx.x = 0;
        for (nsc_u64 t = 0; t < pops[j.tgt].n; ++t) {
          blockIdx.x = unsigned(t);
          f->second(j.Q, k);
        }
      }
    }
  }
  for (const Pop &p : pops)
    if (p.status[2] != 0 || p.status[0] != ~0ull) {
      std::fprintf(stderr, "%s: fatal %llu, first non-finite step %llu\n", p.name.c_str(), p.status[2], p.status[0]);
      return 1;
    }
  return 0;
}

} // namespace nsc_emu
