//===- Builtins.cpp - The built-in function table -------------------------===//
#include "Builtins.h"

namespace nsc::sema {

static const BuiltinInfo kBuiltins[] = {
    {"exp", BuiltinId::Exp, 1, 1, "exp(x)"},
    {"expm1", BuiltinId::Expm1, 1, 1, "expm1(x)"},
    {"ln", BuiltinId::Ln, 1, 1, "ln(x)"},
    {"log10", BuiltinId::Log10, 1, 1, "log10(x)"},
    {"sin", BuiltinId::Sin, 1, 1, "sin(x)"},
    {"cos", BuiltinId::Cos, 1, 1, "cos(x)"},
    {"tan", BuiltinId::Tan, 1, 1, "tan(x)"},
    {"sinh", BuiltinId::Sinh, 1, 1, "sinh(x)"},
    {"cosh", BuiltinId::Cosh, 1, 1, "cosh(x)"},
    {"tanh", BuiltinId::Tanh, 1, 1, "tanh(x)"},
    {"erf", BuiltinId::Erf, 1, 1, "erf(x)"},
    {"erfc", BuiltinId::Erfc, 1, 1, "erfc(x)"},
    {"sqrt", BuiltinId::Sqrt, 1, 1, "sqrt(x)"},
    {"abs", BuiltinId::Abs, 1, 1, "abs(x)"},
    {"min", BuiltinId::Min, 2, 2, "min(a, b)"},
    {"max", BuiltinId::Max, 2, 2, "max(a, b)"},
    {"clip", BuiltinId::Clip, 3, 3, "clip(x, lo, hi)"},
    {"floor", BuiltinId::Floor, 1, 1, "floor(x)"},
    {"ceil", BuiltinId::Ceil, 1, 1, "ceil(x)"},
    {"round", BuiltinId::Round, 1, 1, "round(x)"},
    {"emit_spike", BuiltinId::EmitSpike, 0, 2, "emit_spike() or, in a synapse, emit_spike(weight, delay)"},
    {"integrate_odes", BuiltinId::IntegrateOdes, 0, UINT_MAX, "integrate_odes(state variables...)"},
    {"convolve", BuiltinId::Convolve, 2, 2, "convolve(kernel, spike_port)"},
    {"delta", BuiltinId::Delta, 1, 1, "delta(t)"},
    {"steps", BuiltinId::Steps, 1, 1, "steps(time)"},
    {"resolution", BuiltinId::Resolution, 0, 0, "resolution()"},
    {"timestep", BuiltinId::Timestep, 0, 0, "timestep()"},
    {"random_normal", BuiltinId::RandomNormal, 2, 2, "random_normal(mean, std)"},
    {"random_uniform", BuiltinId::RandomUniform, 2, 2, "random_uniform(low, high)"},
    {"random_poisson", BuiltinId::RandomPoisson, 1, 1, "random_poisson(lambda)"},
    {"print", BuiltinId::Print, 0, UINT_MAX, "print(values...)"},
    {"println", BuiltinId::Println, 0, UINT_MAX, "println(values...)"},
    {"info", BuiltinId::Info, 1, 1, "info(message)"},
    {"warning", BuiltinId::Warning, 1, 1, "warning(message)"},
};

const BuiltinInfo *lookupBuiltin(const std::string &name) {
  for (const BuiltinInfo &b : kBuiltins)
    if (name == b.name)
      return &b;
  return nullptr;
}

const std::vector<std::string> &builtinNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const BuiltinInfo &b : kBuiltins)
      out.push_back(b.name);
    return out;
  }();
  return names;
}

bool hasSideEffects(BuiltinId id) {
  switch (id) {
  case BuiltinId::EmitSpike:
  case BuiltinId::IntegrateOdes:
  case BuiltinId::Print:
  case BuiltinId::Println:
  case BuiltinId::Info:
  case BuiltinId::Warning:
    return true;
  default:
    return false;
  }
}

bool isRandom(BuiltinId id) {
  return id == BuiltinId::RandomNormal || id == BuiltinId::RandomUniform ||
         id == BuiltinId::RandomPoisson;
}

} // namespace nsc::sema
