//===- CouplingChecker.h - Gap junctions and variable projections -*- C++ -*-===//
//
// Internal to nsc_sema. A projection with `gap_junction = V` or
// `variable = x` couples a continuous variable of the source population
// into a continuous port of the target (docs/language.md §9.3, R18b):
//  - the source is a model population with a real state variable of that
//    name; a gap junction's target has one too, in the same dimension, and
//    both models have the continuous port it feeds (current flows both ways);
//  - the weight (conductance or gain) has the port's dimension divided by
//    the variable's;
//  - `delay` and `synapse` are refused: the coupling acts within the step.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SemaContext.h"

namespace nsc::sema {

struct CouplingCheck {
  ast::NamedArg *setting = nullptr; // `gap_junction = V` or `variable = x`
  const ModelInfo *source = nullptr, *target = nullptr; // null: not a model population
  std::string sourceName;            // the source population, for messages
  SourceRange sourceRange;
  const ast::InputPort *port = nullptr; // the target port, when resolved
  SourceRange portRange;
  ast::NamedArg *weight = nullptr, *delay = nullptr, *synapse = nullptr;
};

/// Reports what is wrong with a coupling projection; returns the weight's
/// expected type (Error when unknown), for the caller's unit check.
ir::Type checkCoupling(SemaContext &ctx, const CouplingCheck &c);

} // namespace nsc::sema
