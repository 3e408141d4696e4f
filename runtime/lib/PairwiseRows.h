//===- PairwiseRows.h - pairwise_bernoulli rows (R33) -----------*- C++ -*-===//
#pragma once

#include "nsc/runtime/ConnectionRows.h"

#include <vector>

namespace nsc::runtime {

/// The row of target `t`: every source of the slice in ascending order
/// (without the target itself when `selfForbidden`) draws one uniform U and
/// is connected when U < p(i, t). Throws PairProbabilityError for a p
/// outside [0, 1] (or NaN).
void drawPairwiseRow(const ConnectionSpec &spec, PhiloxKey key, uint64_t t, bool selfForbidden,
                     std::vector<uint32_t> &row);

} // namespace nsc::runtime
