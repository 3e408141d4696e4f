//===- nsc_cuda_image.cpp - Reads the network image ------------------------===//
//
// See nsc_cuda_image.h.
//
//===----------------------------------------------------------------------===//
#include "nsc_cuda_image.h"

#include "nsc_cuda_abi.h"

#include <cstring>
#include <fstream>
#include <istream>

namespace nsc_cuda {

namespace {

class Reader {
public:
  explicit Reader(std::istream &in) : in_(in) {}
  bool ok() const { return ok_; }
  uint64_t u64() {
    uint64_t v = 0;
    raw(&v, 8);
    return v;
  }
  int64_t i64() { return int64_t(u64()); }
  double f64() {
    double v = 0;
    raw(&v, 8);
    return v;
  }
  std::string str() {
    uint64_t n = u64();
    if (!ok_ || n > (1u << 20)) {
      ok_ = false;
      return {};
    }
    std::string s(n, '\0');
    raw(s.data(), n);
    return s;
  }
  template <class T> void vec(std::vector<T> &v) {
    uint64_t n = u64();
    if (!ok_ || n > (uint64_t(1) << 36) / sizeof(T)) {
      ok_ = false;
      return;
    }
    v.resize(n);
    raw(v.data(), n * sizeof(T));
  }

private:
  void raw(void *p, size_t n) {
    if (!ok_ || n == 0)
      return;
    in_.read(static_cast<char *>(p), std::streamsize(n));
    ok_ = bool(in_);
  }
  std::istream &in_;
  bool ok_ = true;
};

} // namespace

bool readImage(const std::string &path, Image &img, std::string &error) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = "cannot open the network image '" + path + "'";
    return false;
  }
  char magic[8];
  in.read(magic, 8);
  if (!in || std::memcmp(magic, "NSCCUDA1", 8) != 0) {
    error = "'" + path + "' is not an nsc CUDA network image";
    return false;
  }
  Reader r(in);
  img.dt = r.f64();
  img.pops.resize(r.ok() ? std::min<uint64_t>(r.u64(), 1 << 20) : 0);
  for (ImagePop &p : img.pops) {
    p.name = r.str();
    p.kernel = r.str();
    p.kind = r.u64();
    p.n = r.u64();
    p.D = r.u64();
    p.ports = r.u64();
    p.rowSize = r.u64();
    p.countMask = r.u64();
    p.rngKey = r.u64();
    r.vec(p.cells);
    r.vec(p.constInput);
    r.vec(p.countWeight);
    p.lambda = r.f64();
    p.subLambda = r.f64();
    p.expNegSub = r.f64();
    p.parts = r.u64();
    p.start = r.i64();
    p.stop = r.i64();
    p.amplitude = r.f64();
    r.vec(p.schedStep);
    r.vec(p.schedValue);
    uint64_t warnings = r.ok() ? std::min<uint64_t>(r.u64(), 48) : 0;
    for (uint64_t q = 0; q < warnings; ++q)
      p.warnings.push_back(r.str());
  }
  img.projs.resize(r.ok() ? std::min<uint64_t>(r.u64(), 1 << 20) : 0);
  for (ImageProj &q : img.projs) {
    q.src = r.u64();
    q.tgt = r.u64();
    q.strategy = r.u64();
    q.kernel = r.str();
    q.basePort = r.u64();
    q.negPort = r.i64();
    r.vec(q.rowPtr);
    r.vec(q.targets);
    r.vec(q.weights);
    r.vec(q.delays);
  }
  img.recorders.resize(r.ok() ? std::min<uint64_t>(r.u64(), 1 << 20) : 0);
  for (ImageRecorder &c : img.recorders) {
    c.label = r.str();
    c.pop = r.u64();
    c.begin = r.u64();
    c.end = r.u64();
    c.every = std::max<uint64_t>(1, r.u64());
    uint64_t items = r.ok() ? std::min<uint64_t>(r.u64(), 1 << 16) : 0;
    for (uint64_t q = 0; q < items; ++q) {
      c.names.push_back(r.str());
      c.slots.push_back(r.u64());
      c.kinds.push_back(r.u64());
    }
  }
  if (!r.ok()) {
    error = "the network image '" + path + "' is truncated or damaged";
    return false;
  }
  // Consistency: everything the kernels index must be in range.
  for (const ImagePop &p : img.pops)
    if (p.kind == NSC_POP_MODEL && (p.cells.size() != p.rowSize * p.n || p.D < 2 || p.constInput.size() != p.ports ||
                                    p.countWeight.size() != p.ports)) {
      error = "the network image '" + path + "' is inconsistent (population '" + p.name + "')";
      return false;
    }
  for (const ImageProj &q : img.projs) {
    if (q.src >= img.pops.size() || q.tgt >= img.pops.size() || q.rowPtr.size() != img.pops[q.src].n + 1 ||
        q.rowPtr.back() != q.targets.size() || q.weights.size() != q.targets.size() ||
        q.delays.size() != q.targets.size()) {
      error = "the network image '" + path + "' is inconsistent (a projection)";
      return false;
    }
    for (uint32_t t : q.targets)
      if (t >= img.pops[q.tgt].n) {
        error = "the network image '" + path + "' has a synapse to a missing neuron";
        return false;
      }
    for (uint32_t d : q.delays)
      if (d < 1 || d >= img.pops[q.tgt].D) {
        error = "the network image '" + path + "' has a delay outside its ring buffer";
        return false;
      }
  }
  return true;
}

} // namespace nsc_cuda
