//===- ASTPrinter.h - `--emit=ast` ------------------------------*- C++ -*-===//
//
// Prints an AST as an indented tree, one node per line with its kind, its
// salient fields and its `line:col` range, e.g.
//   Model iaf_psc_exp <3:1-40:1>
//     DeclBlock state <4:5-6:1>
//       VarDecl V_m : mV <5:9-5:25>
//         NumberLit -70 mV <5:20-5:26>
// Stable: lit tests check it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/frontend/AST.h"

#include <iosfwd>

namespace nsc {

void printAST(const ast::Node &node, std::ostream &os);
void printAST(const ast::Program &program, std::ostream &os);

} // namespace nsc
