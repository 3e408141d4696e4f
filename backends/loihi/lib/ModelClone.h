//===- ModelClone.h - A deep copy of an IR model ----------------*- C++ -*-===//
//
// The Loihi mapping reads models in ODE form, but the range analysis
// (nsc/passes/RangeAnalysis.h) needs them solved. The mapping solves a copy
// so that the module it maps stays in ODE form.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include <memory>

namespace nsc::loihi {

std::unique_ptr<ir::Model> cloneModel(const ir::Model &m);

} // namespace nsc::loihi
