//===- Sema.h - Name resolution, types, units, context checks ---*- C++ -*-===//
//
// Checks a whole Program (every file, imports included) and annotates the AST
// in place: each Expr gets its ir::Type (kind x unit), each NameRef its
// target, each VarDecl/InlineDecl/InputPort its resolved type, each
// Population its model. Errors and warnings go to the DiagnosticEngine; sema
// reports as many as it can in one run and never throws on bad input.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"
#include "nsc/support/Diagnostics.h"

namespace nsc {

/// Returns true when the program has no errors (warnings allowed).
bool analyzeProgram(ast::Program &program, DiagnosticEngine &diags);

} // namespace nsc
