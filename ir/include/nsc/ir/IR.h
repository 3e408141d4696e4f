//===- IR.h - The typed intermediate representation of nsc ------*- C++ -*-===//
//
// The IR is what lowering (frontend/lowering) produces from the checked AST
// and what every pass and backend consumes. It carries no syntax: names are
// resolved to indices, units are explicit in every Type, unit conversions
// and integer->real casts are explicit nodes, and the execution semantics
// (dt, solver, precision, spike mode, seed) are resolved per model and
// population.
//
//   Module
//   |- models:   Model { variables, ports, odes, update, handlers, functions }
//   `- networks: Network { populations, projections, recorders }
//
// Text form: printModule() (Printer.h); JSON: moduleToJSON() (JSON.h);
// invariants: verifyModule() (Verifier.h); construction: Builder (Builder.h).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Expr.h"
#include "nsc/ir/Model.h"
#include "nsc/ir/Network.h"
#include "nsc/ir/Semantics.h"
#include "nsc/ir/Stmt.h"
#include "nsc/ir/Type.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace nsc::ir {

struct Module {
  /// Models in program order (imports first), then specializations in the
  /// order networks need them. Indices are stable: passes add, never remove.
  std::vector<std::unique_ptr<Model>> models;
  std::vector<std::unique_ptr<Network>> networks;

  std::optional<uint32_t> findModel(const std::string &name) const;
  Model &addModel(std::unique_ptr<Model> m);

  /// The network a command or an application names: the one called `name`,
  /// or, when `name` is empty, the module's only network (networks written
  /// in the source; single-model networks are not looked up by name). Nullopt with
  /// `error` set (when given) to the one message every caller reports:
  ///   no network named 'x' (networks: 'a', 'b')
  ///   the input has several networks ('a', 'b'): choose one by name
  ///   the input has no network
  std::optional<uint32_t> findNetwork(const std::string &name, std::string *error = nullptr) const;
};

} // namespace nsc::ir
