//===- JSON.h - Machine-readable IR dump (nsc --emit=ir-json) ---*- C++ -*-===//
//
// The same content as the text form, as nlohmann::json: every node is an
// object with "kind" and "type" ({"kind", "unit", "dim", "scale",
// "precision"}); variables and ports are referred to by id and name.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include <nlohmann/json.hpp>

#include <iosfwd>

namespace nsc::ir {

nlohmann::json moduleToJSON(const Module &m);
nlohmann::json modelToJSON(const Model &m);
nlohmann::json exprToJSON(const Expr &e);
nlohmann::json typeToJSON(const Type &t);
nlohmann::json semanticsToJSON(const Semantics &s);
/// Pretty-printed (indent 2) with a trailing newline.
void printModuleJSON(const Module &m, std::ostream &os);

} // namespace nsc::ir
