//===- HarnessCommon.h - Shared parts of the generated harnesses -*- C++ -*-===//
//
// Part of the output of `nsc --target=verilog` (copied from nsc's
// backends/verilog/harness/). Command line, a seeded generator, the vector
// file the Icarus testbench replays, and the first-mismatch exit.
//
//   harness [--cycles N] [--seed S] [--vectors FILE] [--vector-cycles M]
//
// Exit status: 0 when every output matched on every cycle, 1 on the first
// mismatch (with the cycle, the signal, the RTL's and the model's values),
// 2 on a bad command line.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace harness {

struct Options {
  uint64_t cycles = 1000000;
  uint64_t seed = 1;
  std::string vectors;       // empty: none
  uint64_t vectorCycles = 0; // how many cycles go to the vector file (0: all)
};

inline Options parse(int argc, char **argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> const char * {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "harness: %s needs a value\n", a.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "--cycles")
      o.cycles = std::strtoull(next(), nullptr, 0);
    else if (a == "--seed")
      o.seed = std::strtoull(next(), nullptr, 0);
    else if (a == "--vectors")
      o.vectors = next();
    else if (a == "--vector-cycles")
      o.vectorCycles = std::strtoull(next(), nullptr, 0);
    else if (a.rfind("+verilator", 0) == 0)
      continue;
    else {
      std::fprintf(stderr, "usage: %s [--cycles N] [--seed S] [--vectors FILE] [--vector-cycles M]\n", argv[0]);
      std::exit(2);
    }
  }
  return o;
}

/// SplitMix64: small, seedable, the same sequence everywhere.
class Rng {
public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  /// Uniform in [0, n).
  uint64_t below(uint64_t n) { return n ? next() % n : 0; }
  bool chance(double p) { return double(next() >> 11) * 0x1.0p-53 < p; }

private:
  uint64_t s_;
};

/// Bits [0, bits) of a little-endian word vector as MSB-first hex.
inline std::string hex(const std::vector<uint64_t> &words, unsigned bits) {
  unsigned digits = (bits + 3) / 4;
  std::string s(digits, '0');
  for (unsigned d = 0; d < digits; ++d) {
    unsigned bit = d * 4;
    uint64_t w = bit / 64 < words.size() ? words[bit / 64] >> (bit % 64) : 0;
    s[digits - 1 - d] = "0123456789abcdef"[w & 15];
  }
  return s;
}
inline std::string hex(uint64_t v, unsigned bits) { return hex(std::vector<uint64_t>{v}, bits); }

/// Sets a Verilator port of any width from little-endian 64-bit words.
template <class T> std::enable_if_t<std::is_integral_v<T>> setPort(T &port, const std::vector<uint64_t> &w) {
  port = T(w.empty() ? 0 : w[0]);
}
template <class W> auto setPort(W &port, const std::vector<uint64_t> &w) -> decltype(port[0] = 0u, void()) {
  for (size_t i = 0; i < sizeof(port) / 4; ++i) {
    uint64_t word = i / 2 < w.size() ? w[i / 2] : 0;
    port[i] = uint32_t(i % 2 ? word >> 32 : word);
  }
}

/// Reads a Verilator port of any width into little-endian 64-bit words.
template <class T> std::enable_if_t<std::is_integral_v<T>, std::vector<uint64_t>> getPort(T &port) {
  return {uint64_t(port)};
}
template <class W> auto getPort(W &port) -> decltype(port[0] = 0u, std::vector<uint64_t>()) {
  std::vector<uint64_t> w((sizeof(port) / 4 + 1) / 2, 0);
  for (size_t i = 0; i < sizeof(port) / 4; ++i)
    w[i / 2] |= uint64_t(port[i]) << (i % 2 ? 32 : 0);
  return w;
}

/// Writes the vector file: one line per cycle, inputs then expected outputs.
class Vectors {
public:
  Vectors(const Options &o, const char *header) : limit_(o.vectorCycles) {
    if (o.vectors.empty())
      return;
    f_ = std::fopen(o.vectors.c_str(), "w");
    if (!f_) {
      std::fprintf(stderr, "harness: cannot write %s\n", o.vectors.c_str());
      std::exit(2);
    }
    std::fprintf(f_, "// %s\n", header);
  }
  ~Vectors() {
    if (f_)
      std::fclose(f_);
  }
  bool on(uint64_t cycle) const { return f_ && (limit_ == 0 || cycle < limit_); }
  FILE *file() const { return f_; }

private:
  FILE *f_ = nullptr;
  uint64_t limit_;
};

[[noreturn]] inline void mismatch(uint64_t cycle, const char *signal, uint64_t rtl, uint64_t model) {
  std::fprintf(stderr,
               "MISMATCH at cycle %" PRIu64 ": %s is 0x%" PRIx64 " in the RTL, 0x%" PRIx64 " in the C++ model\n",
               cycle, signal, rtl, model);
  std::exit(1);
}

inline void expect(uint64_t cycle, const char *signal, uint64_t rtl, uint64_t model) {
  if (rtl != model)
    mismatch(cycle, signal, rtl, model);
}

} // namespace harness
