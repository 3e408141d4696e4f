//===- LowerSemantics.h - `semantics:` blocks to ir::Semantics --*- C++ -*-===//
//
// Internal to nsc_lowering. A block sets only the keys it names; blocks are
// merged in the order documented in nsc/ir/Semantics.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/ir/Semantics.h"

#include <optional>

namespace nsc::lowering {

struct SemanticsOverrides {
  std::optional<double> dtMs;
  std::optional<ir::Solver> solver;
  std::optional<ir::Precision> precision;
  /// Set together with precision (a later `precision = ...` replaces both).
  ir::FixedFormats fixedFormats = ir::FixedFormats::Uniform;
  std::optional<ir::SpikeMode> spikes;
  std::optional<uint64_t> seed;
  std::optional<double> rk45Rtol, rk45Atol;

  void applyTo(ir::Semantics &s) const;
  /// Takes every key `o` sets (later blocks win).
  void mergeFrom(const SemanticsOverrides &o);
};

/// Reads one block; bad keys or values are reported and skipped. A null
/// block gives no overrides.
SemanticsOverrides readSemantics(const ast::SemanticsBlock *block, DiagnosticEngine &diags);

} // namespace nsc::lowering
