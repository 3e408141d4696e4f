// The edge cases of test/cuda/fixed_point_device.cu and
// test/unit/ir/FixedPointVectorsTest.cpp: every operation of
// ir/include/nsc/ir/FixedPointCore.h on format limits and their
// neighbours, rounding ties, division by zero, wrap-around, NaN, infinities
// and values beyond __int128, 64-bit formats, the three shapes of
// unit-conversion factors and negative powers. Both programs hash the raw
// results (kGoldenHash): the unit test through nsc/ir/FixedPoint.h as the
// interpreter calls it, the CUDA program through the header compiled by
// nvcc, on the host and on a GPU.
#pragma once

#include "nsc/ir/FixedPointCore.h"

#include <math.h>
#include <vector>

namespace nsc_fx_cases {

/// FNV-1a of the raw results of makeCases() under R28-R31 as implemented.
constexpr unsigned long long kGoldenHash = 0xcca86c282a6bc210ull;

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
  double d; // fromDouble, inputFromDouble: the input; scaleBy: the factor
  i64 num, den;
  int shift;
};

NSC_FX_FN i64 evaluate(const Case &c) {
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


/// The raw values worth testing in a format: limits, neighbours, small
/// values, halves of an ulp at several positions, and a few pseudo-random ones.
inline std::vector<i64> edgeValues(Format p) {
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

inline std::vector<Case> makeCases() {
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
          Case c = {kScale, a, 0, pa.fracBits, 0, pr, f, 1, 1, 0};
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

/// FNV-1a over the raw results, in case order.
inline unsigned long long hashResults(const std::vector<i64> &r) {
  unsigned long long h = 0xcbf29ce484222325ull;
  for (i64 v : r)
    for (int byte = 0; byte < 8; ++byte) {
      h ^= (unsigned long long)(v >> (8 * byte)) & 0xFFu;
      h *= 0x100000001b3ull;
    }
  return h;
}

} // namespace nsc_fx_cases
