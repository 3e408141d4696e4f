//===- PortableMath.h - nsc's bit-reproducible exp, ln, cospi, sinpi -*- C++ -*-===//
//
// The elementary functions random variates are computed with (R35). Each is
// a fixed sequence of IEEE binary64 operations (argument reduction,
// compensated sums, a polynomial), with no libm call and no FMA, so every
// backend that performs the same operations in the same order gets the same
// bits. The library compiles them with -ffp-contract=off; a backend that
// ports them (CUDA: --fmad=false) must keep the order of operations.
//
// Accuracy: within about one ulp of the exact result (the unit tests measure
// the largest error against long double over random arguments).
//
//===----------------------------------------------------------------------===//
#pragma once

namespace nsc::runtime::portable {

/// e^x. exp(0) = 1; overflow gives +inf, underflow 0 (subnormals kept);
/// exp(-inf) = 0, exp(+inf) = +inf, NaN gives NaN.
double exp(double x);

/// Natural logarithm. ln(1) = 0; ln(±0) = -inf; ln(x < 0) = NaN;
/// ln(+inf) = +inf; NaN gives NaN; subnormal arguments are exact inputs.
double ln(double x);

/// cos(pi·x) with exact reduction of x. cospi(0) = 1; cospi(n + 1/2) = +0;
/// cospi(±inf) = NaN.
double cospi(double x);

/// sin(pi·x) with exact reduction of x. sinpi(1/2) = 1; sinpi(n) = ±0 with
/// the sign of x; sinpi(±inf) = NaN.
double sinpi(double x);

} // namespace nsc::runtime::portable
