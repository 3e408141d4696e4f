//===- Verifier.h - Structural and type invariants of the IR ----*- C++ -*-===//
//
// Run after lowering and after every pass in debug builds. A violation is a
// compiler bug, never a user error: each is reported as an error diagnostic
// "IR verifier: ..." (at the node's source location when it has one) and
// the function returns false. Checked, among others: ids of variables,
// ports, inlines, kernels, functions, populations are in range; operands of
// + - % comparisons and Select arms have the same kind and unit; Mul/Div/
// Pow result units; UnitConvert factors; assignment value type == target
// type; conditions are Bool; Return only in functions with the right type;
// Derivative orders within the declared ODE; ODE rhs unit == unit(x)/ms^n;
// emit_spike only with `output: spike`; network slices, ports, delays.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"

#include <string>
#include <vector>

namespace nsc::ir {

/// Appends one message per violation to `errors` (when given); true if none.
bool verifyModule(const Module &m, std::vector<std::string> *errors);
bool verifyModel(const Model &m, std::vector<std::string> *errors);
/// Reports each violation through `diags` as an error; true if none.
bool verifyModule(const Module &m, DiagnosticEngine &diags);

} // namespace nsc::ir
