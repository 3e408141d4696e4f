//===- TypeResolver.h - Declared types to ir::Type --------------*- C++ -*-===//
//
// Internal to nsc_sema. Turns the TypeExpr of a declaration (`real`,
// `integer`, `boolean`, `string`, `void`, or a unit expression such as
// `mV/ms`, `1/ms`, `nS**2`, `(ms*mV)**-1`) into an ir::Type, reporting
// unknown units with a "did you mean" note.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"
#include "nsc/support/Diagnostics.h"

namespace nsc::sema {

/// Error type (after a diagnostic) when the type is invalid. `void` is only
/// accepted when `allowVoid` (function return types).
ir::Type resolveType(const ast::TypeExpr *type, DiagnosticEngine &diags, bool allowVoid = false);

/// The unit-expression part: every node must be a unit name, the number 1,
/// a product, quotient or integer power.
std::optional<units::Unit> resolveUnitExpr(const ast::TypeExpr *type, DiagnosticEngine &diags);

/// The unit `ms` in which time (`t`, resolution()) is measured.
units::Unit millisecond();

} // namespace nsc::sema
