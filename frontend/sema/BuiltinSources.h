//===- BuiltinSources.h - The catalogue of built-in stimulus sources -*- C++ -*-===//
//
// Internal to nsc_sema: every built-in source a network may instantiate
// (poisson_generator, spike_generator, dc_generator,
// step_current_generator), with its parameters and their units. A new
// stimulus is one entry in sources() (BuiltinSources.cpp).
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace nsc::sema {

enum class SourceKind { None, Poisson, SpikeTimes, Dc, StepCurrent };

struct SourceParam {
  const char *name;
  const char *unit; // unit whose dimension the value needs
  bool list;
  bool required;
};

struct SourceInfo {
  const char *name;
  SourceKind kind;
  std::vector<SourceParam> params;
  bool spikes; // spike source (else current)
};

/// Every built-in source, in the order the diagnostics list them.
const std::vector<SourceInfo> &sources();

/// The source called `name`, or null.
const SourceInfo *findSource(const std::string &name);

} // namespace nsc::sema
