//===- Builtins.h - The built-in function table -----------------*- C++ -*-===//
//
// Internal to nsc_sema. Names, argument counts and a printable signature of
// every built-in function; the typing rules live in BuiltinCalls.cpp.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <climits>
#include <string>
#include <vector>

namespace nsc::sema {

enum class BuiltinId {
  // Dimensionless math: one dimensionless argument, real result.
  Exp, Expm1, Ln, Log10, Sin, Cos, Tan, Sinh, Cosh, Tanh, Erf, Erfc,
  // Unit-preserving math.
  Sqrt, Abs, Min, Max, Clip, Floor, Ceil, Round,
  // Model actions.
  EmitSpike, IntegrateOdes, Convolve, Delta,
  // Time.
  Steps, Resolution, Timestep,
  // Random numbers (counter-based, see DESIGN.md).
  RandomNormal, RandomUniform, RandomPoisson,
  // Output.
  Print, Println, Info, Warning,
};

struct BuiltinInfo {
  const char *name;
  BuiltinId id;
  unsigned minArgs, maxArgs; // maxArgs == UINT_MAX: variadic
  const char *signature;     // for notes, e.g. "clip(x, lo, hi)"
};

/// nullptr when `name` is not a built-in function.
const BuiltinInfo *lookupBuiltin(const std::string &name);
/// Every built-in name (for "did you mean" suggestions).
const std::vector<std::string> &builtinNames();

/// Built-ins with an effect (spikes, integration, output): not allowed in
/// equations, initial values or guards.
bool hasSideEffects(BuiltinId id);
bool isRandom(BuiltinId id);

} // namespace nsc::sema
