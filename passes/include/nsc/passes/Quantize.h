//===- Quantize.h - Prepare fixed-point models for execution ----*- C++ -*-===//
//
// For every model whose precision is fixed(Qm.n) (docs/quantization.md):
//  - moves subexpressions of the run-time code that need float64 (exp, ln,
//    sqrt, `**` with a non-integer exponent, ...) but read only constants,
//    parameters and internals into new internals (`%q.exp0`), which are
//    computed in float64 at start-up and converted once (R31);
//  - reports such functions of run-time values (state, ports, `t`) as
//    errors (R31), with a caret at the call;
//  - warns about constants (literals, start-up values of parameters,
//    internals and propagator entries) that become 0 or saturate in the
//    format, and about state variables whose range (RangeAnalysis.h) does
//    not fit the format;
//  - with --explain-quantization, writes per variable: format, range
//    (proven/assumed/override), quantization step and a first-order bound
//    of the error one step adds.
// Every value keeps the model's format Qm.n (one format per model, R29),
// unless the model asks for `fixed(Qm.n, formats = per_variable)`: then
// every real variable, port and run-time expression gets its own format of
// m + n bits from its range (chooseFixedFormat), and the IR types say so.
// Spike-port ranges come from the networks that instantiate the model
// (NetworkRanges.h) when there are any.
// Models in floating point are left alone. Runs last in the default
// pipeline.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/passes/Pass.h"
#include "nsc/passes/RangeAnalysis.h"

namespace nsc::passes {

/// The format of `base`'s word length m + n that holds `range` with the
/// most fraction bits (per-variable formats, docs/quantization.md): the
/// smallest m >= 1 such that the range fits — for an exact value (a
/// constant, a start-up value) the value rounded to nearest-even without
/// saturating, for a computed range the range widened by 1/16 of its
/// largest magnitude on each side (headroom for rounding drift the exact
/// interval arithmetic does not see). QW.0 when no format of W bits holds
/// it; `base` itself for an empty or unbounded range. Rounding and overflow
/// modes are base's.
ir::Precision chooseFixedFormat(const Interval &range, bool exactValue, const ir::Precision &base);

class QuantizePass : public Pass {
public:
  const char *name() const override { return "quantize"; }
  const char *description() const override {
    return "fixed-point models: hoist start-up math, check constants and ranges against the format, "
           "report formats and error bounds";
  }
  bool run(ir::Module &module, PassContext &ctx) override;
};

} // namespace nsc::passes
