//===- ModelClone.h - A deep copy of an IR model ----------------*- C++ -*-===//
//
// For transforming a model without touching the module that holds it: the
// Loihi mapping reads models in ODE form, but the range analysis
// (nsc/passes/RangeAnalysis.h) needs them solved, so it solves a copy.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include <memory>

namespace nsc::ir {

std::unique_ptr<ir::Model> cloneModel(const ir::Model &m);

} // namespace nsc::ir
