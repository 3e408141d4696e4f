// The emulation's driver: one model population of a network image (as
// `nsc FILE --model M --n N --target=cuda -o DIR` writes it), its step
// kernel called for every neuron and step, and one cell printed per neuron
// and step as "step,neuron,bits" (the raw 8 bytes, hex). Inputs come only
// from --current-input (the image's constant port inputs).
#pragma once

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

namespace nsc_emu {

struct Reader {
  std::ifstream in;
  unsigned long long u64() {
    unsigned long long v = 0;
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

inline int run(int argc, char **argv, void (*kernel)(nsc_pop, nsc_u64)) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s network.nscimg STEPS SLOT\n", argv[0]);
    return 2;
  }
  Reader r{std::ifstream(argv[1], std::ios::binary)};
  char magic[8];
  r.in.read(magic, 8);
  double dt = r.f64();
  if (!r.in || std::string(magic, 8) != "NSCCUDA1" || r.u64() < 1) {
    std::fprintf(stderr, "not a network image: %s\n", argv[1]);
    return 2;
  }
  r.str(); // name
  r.str(); // kernel
  unsigned long long kind = r.u64(), n = r.u64(), D = r.u64(), ports = r.u64();
  r.u64(); // row size
  unsigned long long countMask = r.u64(), rngKey = r.u64();
  std::vector<unsigned long long> cells = r.vec<unsigned long long>();
  std::vector<double> constInput = r.vec<double>(), countWeight = r.vec<double>();
  if (!r.in || kind != 0 || countMask != 0) {
    std::fprintf(stderr, "the first population is not a model population without count-mode ports\n");
    return 2;
  }
  unsigned long long steps = std::stoull(argv[2]), slot = std::stoull(argv[3]);
  std::vector<double> ringValue(D * ports * n + 1, 0.0);
  std::vector<nsc_u32> ringCount(D * ports * n + 1, 0), mult(n, 0), spikes(n + 64, 0), spikeCount(1, 0);
  std::vector<nsc_u64> status = {~0ull, 0, 0, 0};
  bool anyInput = false;
  for (double c : constInput)
    anyInput = anyInput || c != 0;
  countWeight.resize(ports + 1, 0.0);
  nsc_pop P = {};
  P.n = n;
  P.D = D;
  P.ports = ports;
  P.state = (nsc_u64)cells.data();
  P.ring_value = (nsc_u64)ringValue.data();
  P.ring_count = (nsc_u64)ringCount.data();
  P.count_weight = (nsc_u64)countWeight.data();
  P.const_input = anyInput ? (nsc_u64)constInput.data() : 0;
  P.mult = (nsc_u64)mult.data();
  P.spikes = (nsc_u64)spikes.data();
  P.spike_count = (nsc_u64)spikeCount.data();
  P.status = (nsc_u64)status.data();
  P.rng_key = rngKey;
  P.dt = dt;
  blockDim.x = 1;
  gridDim.x = unsigned(n);
  for (unsigned long long k = 0; k < steps; ++k) {
    spikeCount[0] = 0;
    for (unsigned long long i = 0; i < n; ++i) {
      blockIdx.x = unsigned(i);
      kernel(P, k);
    }
    for (unsigned long long i = 0; i < n; ++i)
      std::printf("%llu,%llu,%016llx,%u\n", k, i, cells[slot * n + i], mult[i]);
  }
  if (status[2] != 0 || status[0] != ~0ull) {
    std::fprintf(stderr, "status: fatal %llu, first non-finite step %llu\n", status[2], status[0]);
    return 1;
  }
  return 0;
}

} // namespace nsc_emu
