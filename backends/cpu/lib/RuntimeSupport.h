//===- RuntimeSupport.h - The context behind the nsc_rt_* routines -*- C++ -*-===//
//
// StepABI.h declares `struct nsc_runtime` opaquely: generated code only
// passes the pointer on to the nsc_rt_* routines. This is its definition, for
// the C++ side (the population kernel owns one per thread, sets the model
// name and the random key, and reads the warnings and the fatal message
// after each step call).
//
// Everything the routines record uses exactly the texts of the reference
// interpreter (runtime/eval/lib/ModelExecutor.cpp), so a run's warning
// list is the same whichever backend ran it.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "StepABI.h"

#include "nsc/runtime/Philox.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

struct nsc_runtime {
  /// The model's IR name, the prefix of model-level warnings ("<model>: ...").
  std::string model;
  /// K(p, 1): the key of the population's neuron-model random stream (R33).
  nsc::runtime::PhiloxKey rngKey{};
  /// Warning text -> number of occurrences, as ModelExecutor::warnings().
  std::map<std::string, uint64_t> warnings;
  /// Set when the run must stop (a runaway loop, an invalid random draw).
  /// The engine checks it after every step call, whatever the status bits
  /// say: a failing random draw cannot return a status of its own.
  std::string fatal;
  /// Messages under construction, innermost last: a print whose argument
  /// calls a function that prints does not garble the outer message.
  std::vector<std::string> messages;
};

namespace nsc::cpu {

/// Adds the warning counts of `from` to `into` (per-thread contexts of one
/// population merged after a run). Fatal messages are not merged: the
/// engine reports the first one it meets.
void mergeWarnings(std::map<std::string, uint64_t> &into, const nsc_runtime &from);

} // namespace nsc::cpu
