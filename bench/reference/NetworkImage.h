// NetworkImage.h - reads the network nsc built (network.nscimg) for the
// hand-written references.
//
// `nsc NET.nrn --target=cuda -o DIR` writes DIR/network.nscimg: every
// population's cells after initial values and `prepare` (so the references
// start from nsc's V_m draws and use nsc's propagators bit for bit) and
// every static projection in CSR by source (row order = delivery order,
// docs/semantics.md R17). The format is in
// backends/cuda/lib/NetworkImage.cpp; this reader is written against that
// comment and takes only what a reference needs. No GPU is involved.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace ref {

struct Population {
  std::string name;
  uint64_t kind = 0, n = 0, ringSlots = 0, ports = 0, rowSize = 0;
  std::vector<uint64_t> cells; // column-major: cell (slot, i) at slot * n + i
  double real(unsigned slot, uint64_t i) const {
    double x;
    std::memcpy(&x, &cells[slot * n + i], 8);
    return x;
  }
  int64_t integer(unsigned slot, uint64_t i) const { return int64_t(cells[slot * n + i]); }
};

struct Projection {
  uint64_t source = 0, target = 0, basePort = 0;
  int64_t negativePort = -1;
  std::vector<uint64_t> rowPtr;
  std::vector<uint32_t> targets;
  std::vector<double> weights;
  std::vector<uint32_t> delays;
};

struct Network {
  double dt = 0;
  std::vector<Population> populations;
  std::vector<Projection> projections;
};

[[noreturn]] inline void die(const std::string &msg) {
  std::fprintf(stderr, "reference: %s\n", msg.c_str());
  std::exit(2);
}

class Reader {
public:
  explicit Reader(const std::string &path) : f_(std::fopen(path.c_str(), "rb")), path_(path) {
    if (!f_)
      die("cannot open " + path);
  }
  ~Reader() { std::fclose(f_); }
  void raw(void *p, size_t n) {
    if (n && std::fread(p, 1, n, f_) != n)
      die(path_ + ": truncated");
  }
  uint64_t u64() { uint64_t v; raw(&v, 8); return v; }
  int64_t i64() { int64_t v; raw(&v, 8); return v; }
  double f64() { double v; raw(&v, 8); return v; }
  std::string str() {
    std::string s(u64(), '\0');
    raw(s.data(), s.size());
    return s;
  }
  template <class T> std::vector<T> vec() {
    std::vector<T> v(u64());
    raw(v.data(), v.size() * sizeof(T));
    return v;
  }

private:
  std::FILE *f_;
  std::string path_;
};

inline Network readImage(const std::string &path) {
  Reader r(path);
  char magic[8];
  r.raw(magic, 8);
  if (std::memcmp(magic, "NSCCUDA1", 8) != 0)
    die(path + ": not a network.nscimg");
  Network net;
  net.dt = r.f64();
  net.populations.resize(r.u64());
  for (Population &p : net.populations) {
    p.name = r.str();
    r.str(); // kernel
    p.kind = r.u64();
    p.n = r.u64();
    p.ringSlots = r.u64();
    p.ports = r.u64();
    p.rowSize = r.u64();
    r.u64(); // count mask
    r.u64(); // rng key
    p.cells = r.vec<uint64_t>();
    r.vec<double>(); // constant input
    r.vec<double>(); // count weights
    r.f64(), r.f64(), r.f64(), r.u64(); // Poisson lambda, sub-lambda, exp(-sub), parts
    r.i64(), r.i64(), r.f64();          // start, stop, amplitude
    r.vec<uint64_t>(), r.vec<uint64_t>(); // schedules
    for (uint64_t w = r.u64(); w > 0; --w)
      r.str();
  }
  net.projections.resize(r.u64());
  for (Projection &q : net.projections) {
    q.source = r.u64();
    q.target = r.u64();
    r.u64(); // delivery strategy
    r.str(); // kernel
    q.basePort = r.u64();
    q.negativePort = r.i64();
    q.rowPtr = r.vec<uint64_t>();
    q.targets = r.vec<uint32_t>();
    q.weights = r.vec<double>();
    q.delays = r.vec<uint32_t>();
  }
  return net;
}

} // namespace ref
