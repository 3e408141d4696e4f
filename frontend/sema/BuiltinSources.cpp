//===- BuiltinSources.cpp - The catalogue of built-in stimulus sources ----===//
#include "BuiltinSources.h"
#include "NetworkChecker.h"

namespace nsc::sema {

const std::vector<SourceInfo> &sources() {
  static const std::vector<SourceInfo> s = {
      {"poisson_generator",
       {{"rate", "Hz", false, true}, {"start", "ms", false, false}, {"stop", "ms", false, false}},
       true},
      {"inhomogeneous_poisson_generator",
       {{"times", "ms", true, false}, {"rates", "Hz", true, false}, {"file", "", false, false, true}},
       true},
      {"spike_generator",
       {{"times", "ms", true, false}, {"neurons", "", true, false}, {"file", "", false, false, true}},
       true},
      {"dc_generator",
       {{"amplitude", "pA", false, true}, {"start", "ms", false, false}, {"stop", "ms", false, false}},
       false},
      {"step_current_generator", {{"times", "ms", true, true}, {"amplitudes", "pA", true, true}}, false},
      {"sine_generator",
       {{"amplitude", "pA", false, true},
        {"frequency", "Hz", false, true},
        {"phase", "", false, false},
        {"offset", "pA", false, false},
        {"start", "ms", false, false},
        {"stop", "ms", false, false}},
       false},
      {"noise_generator",
       {{"mean", "pA", false, false},
        {"std", "pA", false, true},
        {"dt", "ms", false, false},
        {"start", "ms", false, false},
        {"stop", "ms", false, false}},
       false},
      {"signal_generator", {{"file", "", false, true, true}}, false},
  };
  return s;
}

std::vector<std::vector<const char *>> sourceAlternatives(const std::string &name) {
  if (name == "spike_generator")
    return {{"times"}, {"file"}};
  if (name == "inhomogeneous_poisson_generator")
    return {{"times", "rates"}, {"file"}};
  return {};
}

const SourceInfo *findSource(const std::string &name) {
  for (const SourceInfo &s : sources())
    if (name == s.name)
      return &s;
  return nullptr;
}

bool isBuiltinSource(const std::string &model) { return findSource(model) != nullptr; }

} // namespace nsc::sema
