// The fixed-point rules on a GPU (docs/cuda.md, "Fixed point"): every
// operation of ir/include/nsc/ir/FixedPointCore.h — the code behind
// nsc/ir/FixedPoint.h that the interpreter and the cuda kernels share — is
// evaluated on edge vectors (format limits, rounding ties, division by
// zero, wrap-around, NaN/infinite/huge inputs, 64-bit formats) by the host
// and by a kernel, and the raw results must be equal.
//
//   nvcc -std=c++17 --fmad=false -I ir/include/nsc/ir fixed_point_device.cu -o fx_check
//   ./fx_check            exit 0: equal; 1: a difference; 77: no CUDA device (host part ran)
//
// check_cuda.py builds it for sm_80 and sm_90 in `compile` mode (the header
// compiles as device code, __int128 division included) and runs it in `run`
// mode.
#include "FixedPointCore.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <cuda_runtime.h>

using nsc_fx::Format;
using nsc_fx::i64;

enum Op {
  kAdd, kSub, kMul, kDiv, kMod, kNeg, kAbs, kConvert, kCompare, kFloor, kCeil, kRound, kToInt, kFromInt,
  kScale, kFromDouble, kInput, kPow, kOps
};

struct Case {
  int op;
  i64 a, b;
  int fa, fb;
  Format pr;
  double d;
  i64 num, den;
  int shift;
};

__host__ __device__ i64 evaluate(const Case &c) {
  switch (c.op) {
  case kAdd: return nsc_fx::add(c.a, c.fa, c.b, c.fb, c.pr);
  case kSub: return nsc_fx::sub(c.a, c.fa, c.b, c.fb, c.pr);
  case kMul: return nsc_fx::mul(c.a, c.fa, c.b, c.fb, c.pr);
  case kDiv: return nsc_fx::div(c.a, c.fa, c.b, c.fb, c.pr);
  case kMod: return nsc_fx::mod(c.a, c.fa, c.b, c.fb, c.pr);
  case kNeg: return nsc_fx::neg(c.a, c.fa, c.pr);
  case kAbs: return nsc_fx::abs(c.a, c.fa, c.pr);
  case kConvert: return nsc_fx::convert(c.a, c.fa, c.pr);
  case kCompare: return nsc_fx::compare(c.a, c.fa, c.b, c.fb);
  case kFloor: return nsc_fx::floorOf(c.a, c.fa, c.pr);
  case kCeil: return nsc_fx::ceilOf(c.a, c.fa, c.pr);
  case kRound: return nsc_fx::roundOf(c.a, c.fa, c.pr);
  case kToInt: return nsc_fx::toInt(c.a, c.fa);
  case kFromInt: return nsc_fx::fromInt(c.a, c.pr);
  case kScale: return nsc_fx::scaleBy(c.a, c.fa, c.num, c.den, c.shift, c.pr);
  case kFromDouble: return nsc_fx::fromDouble(c.d, c.pr);
  case kInput: return nsc_fx::inputFromDouble(c.d, c.pr);
  case kPow: return nsc_fx::powInt(c.a, c.fa, c.b % 9 - 4, c.pr);
  }
  return 0;
}

__global__ void evaluateAll(const Case *cases, i64 *out, size_t n) {
  size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n)
    out[i] = evaluate(cases[i]);
}

namespace {

/// The raw values worth testing in a format: limits, neighbours, small
/// values, halves of an ulp at several positions, and a few pseudo-random ones.
std::vector<i64> edgeValues(Format p) {
  i64 hi = nsc_fx::maxRaw(p), lo = nsc_fx::minRaw(p);
  std::vector<i64> v = {0, 1, -1, 2, -2, 3, -3, hi, lo, hi - 1, lo + 1, hi / 2, lo / 2, hi / 3, lo / 3};
  for (int s = 1; s < p.fracBits + p.intBits - 1 && s < 63; s += 7) {
    v.push_back((i64)1 << s);
    v.push_back(-((i64)1 << s));
    v.push_back(((i64)1 << s) + 1);
    v.push_back(((i64)3 << (s - 1)));
  }
  unsigned long long x = 0x9E3779B97F4A7C15ull;
  for (int k = 0; k < 6; ++k) {
    x = x * 6364136223846793005ull + 1442695040888963407ull;
    i64 r = (i64)(x >> 1) >> (64 - (p.intBits + p.fracBits));
    v.push_back(r);
  }
  return v;
}

std::vector<Case> makeCases() {
  std::vector<Format> formats;
  for (int r = 0; r < 3; ++r)
    for (int o = 0; o < 2; ++o) {
      formats.push_back({8, 8, r, o});
      formats.push_back({16, 16, r, o});
      formats.push_back({1, 15, r, o});
      formats.push_back({32, 32, r, o});
      formats.push_back({40, 3, r, o});
    }
  const double doubles[] = {0.0,  -0.0,    0.5,     -0.5,   1.5,     2.5,    -2.5,    1.0 / 3,  1e-9,  -1e-9,
                            127.99, 128.0, -128.0, -128.01, 32767.5, 1e18,   -1e18,   1e40,     -1e40, 3.0e38,
                            __builtin_nan(""), __builtin_inf(), -__builtin_inf(), 0.00390625, 0.001953125, -0.001953125};
  const double factors[] = {1000.0, 0.001, 0.1, 2.5, 1e-6, 3.0};
  std::vector<Case> cases;
  for (const Format &pa : formats) {
    std::vector<i64> va = edgeValues(pa);
    for (const Format &pr : formats) {
      if (pr.rounding != pa.rounding || pr.overflow != pa.overflow)
        continue; // the result's modes matter; keep the product of formats small
      for (i64 a : va) {
        for (int op : {kNeg, kAbs, kConvert, kFloor, kCeil, kRound, kToInt, kFromInt}) {
          Case c = {op, a, 0, pa.fracBits, 0, pr, 0, 1, 1, 0};
          cases.push_back(c);
        }
        for (double f : factors) {
          // fx::scaleFactor's three shapes: whole, reciprocal of whole, 62-bit constant.
          Case c = {kScale, a, 0, pa.fracBits, 0, pr, 0, 1, 1, 0};
          if (f == (double)(i64)f) {
            c.num = (i64)f;
          } else if (1.0 / f == (double)(i64)(1.0 / f)) {
            c.den = (i64)(1.0 / f);
          } else {
            int e = 0;
            double m = frexp(f, &e);
            c.num = (i64)nearbyint(ldexp(m, 62));
            c.shift = 62 - e;
          }
          cases.push_back(c);
        }
        for (const Format &pb : formats) {
          if (pb.rounding != pa.rounding || pb.overflow != pa.overflow || (pb.fracBits != pa.fracBits && pb.intBits != 16))
            continue;
          for (i64 b : edgeValues(pb))
            for (int op : {kAdd, kSub, kMul, kDiv, kMod, kCompare, kPow}) {
              Case c = {op, a, b, pa.fracBits, pb.fracBits, pr, 0, 1, 1, 0};
              cases.push_back(c);
            }
        }
      }
      for (double d : doubles)
        for (int op : {kFromDouble, kInput}) {
          Case c = {op, 0, 0, 0, 0, pr, d, 1, 1, 0};
          cases.push_back(c);
        }
    }
  }
  return cases;
}

} // namespace

int main() {
  std::vector<Case> cases = makeCases();
  std::vector<i64> host(cases.size());
  for (size_t i = 0; i < cases.size(); ++i)
    host[i] = evaluate(cases[i]);
  std::printf("fixed point: %zu cases evaluated on the host\n", cases.size());
  int devices = 0;
  cudaError_t e = cudaGetDeviceCount(&devices);
  if (e != cudaSuccess || devices == 0) {
    std::printf("SKIP device part: no CUDA device (%s)\n", e != cudaSuccess ? cudaGetErrorString(e) : "none");
    return 77;
  }
  Case *dc = nullptr;
  i64 *dout = nullptr;
  if (cudaMalloc(&dc, cases.size() * sizeof(Case)) != cudaSuccess ||
      cudaMalloc(&dout, cases.size() * sizeof(i64)) != cudaSuccess ||
      cudaMemcpy(dc, cases.data(), cases.size() * sizeof(Case), cudaMemcpyHostToDevice) != cudaSuccess) {
    std::printf("FAIL: device allocation or copy\n");
    return 1;
  }
  evaluateAll<<<(unsigned)((cases.size() + 255) / 256), 256>>>(dc, dout, cases.size());
  std::vector<i64> device(cases.size());
  if (cudaMemcpy(device.data(), dout, cases.size() * sizeof(i64), cudaMemcpyDeviceToHost) != cudaSuccess) {
    std::printf("FAIL: kernel or copy back: %s\n", cudaGetErrorString(cudaGetLastError()));
    return 1;
  }
  size_t differ = 0;
  for (size_t i = 0; i < cases.size(); ++i)
    if (host[i] != device[i] && differ++ < 10) {
      const Case &c = cases[i];
      std::printf("differ: op %d a %lld (f%d) b %lld (f%d) d %.17g -> Q%d.%d r%d o%d: host %lld, device %lld\n", c.op,
                  c.a, c.fa, c.b, c.fb, c.d, c.pr.intBits, c.pr.fracBits, c.pr.rounding, c.pr.overflow, host[i],
                  device[i]);
    }
  std::printf("fixed point on the device: %zu of %zu cases differ from the host\n", differ, cases.size());
  return differ ? 1 : 0;
}
