//===- PairProbability.h - pairwise_bernoulli's p(i, j) ----------*- C++ -*-===//
//
// Evaluates a projection's pairwise_bernoulli probability, an ir::Expr over
// the pair variables i (kPairSource) and j (kPairTarget), for one pair. The
// runtime's row builder calls it once per candidate pair (R33), so it is a
// plain tree walk over float64 with nsc's portable exp and ln (the same
// bits on every machine) and integer semantics where the IR's type is an
// integer (`/` truncates, `%` takes the sign of the dividend).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Expr.h"

#include <cstdint>

namespace nsc::passes {

/// p(i, j); NaN for an expression it cannot evaluate (ir::checkPairExpression
/// refuses those first).
double evaluatePairExpression(const ir::Expr &e, uint64_t i, uint64_t j);

} // namespace nsc::passes
