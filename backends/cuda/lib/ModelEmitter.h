//===- ModelEmitter.h - One neuron model as CUDA device code ----*- C++ -*-===//
//
// Internal to the cuda backend. For a model after the default pipeline:
//   struct nsc_M_frame        one neuron's cells, port inputs and context
//   nsc_M_fn_NAME(f, ...)     its user functions
//   nsc_M_step<CountMask>(P, k)  one thread per neuron: load the cells, run
//                             update, the on_receive handlers whose port had
//                             an arrival (R8 order), the on_condition blocks
//                             (R11), store, clear the ring cells, compact
//                             spikes — what the cpu backend's step function
//                             does (backends/cpu/lib/StepABI.h), with the
//                             interpreter's operations in the interpreter's
//                             order (runtime/eval/lib/ModelExecutor.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/Model.h"

#include <string>
#include <vector>

namespace nsc::cuda::detail {

/// A C identifier from any nsc name ("iaf_psc_exp.net" -> "iaf_psc_exp_net").
std::string identifier(const std::string &name);

/// Appends the device code of `model` to `out`. `prefix` names its symbols
/// (nsc_PREFIX_frame, nsc_PREFIX_step); `warnings` gets the texts of its
/// warning() call sites, whose status bits are 16, 17, ... False after
/// diagnostics.
bool emitModel(const ir::Model &model, double dtMs, const std::string &prefix, std::string &out,
               std::vector<std::string> &warnings, DiagnosticEngine &diags);

} // namespace nsc::cuda::detail
