//===- Printer.h - Text form of the IR (nsc --emit=ir) ----------*- C++ -*-===//
//
// A stable, deterministic, MLIR-flavoured text form pinned by golden tests.
// Variables print as %name, ports/kernels/inlines/functions/models/
// populations as @name; real constants always show a decimal point or an
// exponent ("250.0 pF", "1e-06") using the shortest round-trip spelling; a
// type's precision is printed only where it differs from the enclosing
// model's semantics.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include <iosfwd>
#include <string>

namespace nsc::ir {

void printModule(const Module &m, std::ostream &os);
void printModel(const Model &m, std::ostream &os);
void printNetwork(const Network &n, const Module &m, std::ostream &os);
std::string printModuleToString(const Module &m);

/// One expression / type / semantics, as in the module text (for tests and
/// diagnostics). `model` resolves names; without it ids print as %v3, @p0...
std::string printExpr(const Expr &e, const Model *model = nullptr);
std::string printType(const Type &t, const Precision *context = nullptr);
std::string printSemantics(const Semantics &s);
/// Shortest round-trip spelling of a double, always with '.', 'e', "inf" or "nan".
std::string formatReal(double v);

} // namespace nsc::ir
