//===- NetworkChecker.h - Checks of `network` blocks ------------*- C++ -*-===//
//
// Internal to nsc_sema. Populations (model exists, size, initial values with
// units, distributions), projections (populations and slices in range,
// connection rule and its parameters, weight/delay units, target port,
// synapse model), recorders and `semantics for` blocks.
//
// Decisions (documented in docs/language.md §9):
//  - A weight must match the unit of the target spike port when the port
//    declares one; a port without unit (NESTML 8) accepts any weight.
//  - Without `port =`, a spike projection goes to the target's only spike
//    port, or is split by sign when every spike port is qualified
//    excitatory/inhibitory; a current source goes to the only continuous
//    port.
//  - Built-in sources: BuiltinSources.cpp (docs/language.md §9.2).
//  - `gap_junction = V` / `variable = x` projections: CouplingChecker.h.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "SemaContext.h"

namespace nsc::sema {

void checkNetwork(SemaContext &ctx, ast::Network &network);

/// True for the names of the built-in stimulus sources.
bool isBuiltinSource(const std::string &model);

} // namespace nsc::sema
