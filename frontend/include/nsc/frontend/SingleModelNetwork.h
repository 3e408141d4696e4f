//===- SingleModelNetwork.h - N copies of one model, as a network -*- C++ -*-===//
//
// `nsc FILE --model NAME --n N --param ... --spike-input ... --current-input`
// (and the embedding API's simulateModel) run one neuron model without a
// network in the source. Lowering turns such a request into an ordinary
// ir::Network added to the module: one population of the model, one
// spike_generator per spike input, constant inputs on continuous ports. Every
// target then runs it exactly as it runs a network written in the source.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/support/Units.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace nsc {

/// What a single-model run asks for. Values without a unit (hasUnit false)
/// are in the unit the model declares for that variable or port.
struct SingleModelSetup {
  std::string model;
  uint64_t n = 1;
  struct Param {
    std::string name;
    double value = 0;
    units::Unit unit;
    bool hasUnit = false;
  };
  std::vector<Param> params;
  struct SpikeInput {
    std::string port;
    std::vector<double> timesMs;
    double weight = 1; // in `weightUnit`, or the port's unit when !hasUnit
    units::Unit weightUnit;
    bool hasUnit = false;
  };
  std::vector<SpikeInput> spikeInputs;
  struct CurrentInput {
    std::string port;
    double value = 0;
    units::Unit unit;
    bool hasUnit = false;
  };
  std::vector<CurrentInput> currentInputs;
};

/// Adds the network "single_<model>" that runs `setup` to `module` (dt and
/// seed are the model's) and returns its index. Nullopt after reporting
/// through `diags` (unknown model, parameter or port, a unit that does not
/// match).
std::optional<uint32_t> addSingleModelNetwork(ir::Module &module, const SingleModelSetup &setup,
                                              DiagnosticEngine &diags);

} // namespace nsc
