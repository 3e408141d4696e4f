//===- SemanticsChecker.h - `semantics:` settings ---------------*- C++ -*-===//
//
// Internal to nsc_sema. Checks the keys and values of a `semantics:` block
// (file, model, network or `semantics for POP:` level):
//   dt        a positive time
//   solver    auto | exact | exp_euler | rk4 | rk45 | euler
//   precision float64 | float32 | fixed(Qm.n[, rounding = nearest_even |
//             toward_zero | floor][, overflow = saturate | wrap]),
//             1 <= m, 0 <= n, m + n <= 64
//   spikes    event | rate
//   seed      a non-negative integer
//   rk45_rtol, rk45_atol  positive dimensionless reals
// Setting words (`auto`, `float32`, `Q8.8`, `wrap`) are NameRefs; sema marks
// them Resolution::Predefined with type string.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SemaContext.h"

namespace nsc::sema {

/// `populations` (network level only) maps each population of the
/// enclosing network to its name's range; null outside networks, where
/// `semantics for` is an error.
void checkSemanticsBlock(SemaContext &ctx, ast::SemanticsBlock &block,
                         const std::map<std::string, SourceRange> *populations);

/// Parses "Q8.8" into (8, 8); nullopt when malformed.
std::optional<std::pair<int, int>> parseQFormat(const std::string &text);

} // namespace nsc::sema
