//===- BuiltinSources.cpp - The catalogue of built-in stimulus sources ----===//
#include "BuiltinSources.h"
#include "NetworkChecker.h"

namespace nsc::sema {

const std::vector<SourceInfo> &sources() {
  static const std::vector<SourceInfo> s = {
      {"poisson_generator", SourceKind::Poisson,
       {{"rate", "Hz", false, true}, {"start", "ms", false, false}, {"stop", "ms", false, false}},
       true},
      {"spike_generator", SourceKind::SpikeTimes, {{"times", "ms", true, true}}, true},
      {"dc_generator", SourceKind::Dc,
       {{"amplitude", "pA", false, true}, {"start", "ms", false, false}, {"stop", "ms", false, false}},
       false},
      {"step_current_generator", SourceKind::StepCurrent,
       {{"times", "ms", true, true}, {"amplitudes", "pA", true, true}},
       false},
  };
  return s;
}

const SourceInfo *findSource(const std::string &name) {
  for (const SourceInfo &s : sources())
    if (name == s.name)
      return &s;
  return nullptr;
}

bool isBuiltinSource(const std::string &model) { return findSource(model) != nullptr; }

} // namespace nsc::sema
