//===- BuiltinSources.h - The catalogue of built-in stimulus sources -*- C++ -*-===//
//
// Internal to nsc_sema: every built-in source a network may instantiate
// (poisson_generator, inhomogeneous_poisson_generator, spike_generator,
// dc_generator, step_current_generator, sine_generator, noise_generator,
// signal_generator), with its parameters and their units. A new stimulus is
// one entry in sources() (BuiltinSources.cpp), one in the lowering's
// sourceParams() and its run-time value in the network engine.
//
//===----------------------------------------------------------------------===//
#pragma once

#include <string>
#include <vector>

namespace nsc::sema {

struct SourceParam {
  const char *name;
  const char *unit; // unit whose dimension the value needs ("" dimensionless)
  bool list;
  bool required;
  bool text = false; // a file name in quotes
};

struct SourceInfo {
  const char *name;
  std::vector<SourceParam> params;
  bool spikes; // spike source (else current)
};

/// Every built-in source, in the order the diagnostics list them.
const std::vector<SourceInfo> &sources();

/// The sets of parameters of which a source needs exactly one (spike
/// times given inline or from a file), or empty.
std::vector<std::vector<const char *>> sourceAlternatives(const std::string &name);

/// The source called `name`, or null.
const SourceInfo *findSource(const std::string &name);

} // namespace nsc::sema
