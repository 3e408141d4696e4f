//===- Model.h - A compiled model source ------------------------*- C++ -*-===//
//
// What Compiler::compileFile / compileString return: the neuron models and
// networks of one source (with its imports), checked and lowered, ready to
// simulate. A Model is a cheap, copyable handle: copies share the compiled
// code, and every Simulation keeps what it needs alive, so a Model may go
// out of scope while its simulations run.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/Error.h"
#include "nsc/Export.h"
#include "nsc/Simulation.h"
#include "nsc/Target.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace nsc {

namespace detail {
struct ModelImpl;
}

/// How simulateModel drives N copies of one neuron model (the command
/// line's `--model NAME --n N --param ... --spike-input ... --current-input`).
/// Values are plain numbers in the unit the model declares for the variable
/// or port (a `mV` parameter takes millivolts, a `pA` port picoamperes).
struct ModelSetup {
  /// Number of neurons (>= 1).
  uint64_t n = 1;
  /// Initial values of parameters or state variables, for every neuron.
  std::vector<std::pair<std::string, double>> initialValues;
  /// Spikes into a spike port at the given times (ms), all neurons.
  struct SpikeInput {
    std::string port;
    std::vector<double> times_ms;
    double weight = 1; // in the port's unit
  };
  std::vector<SpikeInput> spikeInputs;
  /// A constant value on a continuous input port (port name, value), all
  /// neurons, for the whole simulation.
  std::vector<std::pair<std::string, double>> currentInputs;
};

class NSC_API Model {
public:
  /// Copies share the compiled model. A moved-from Model can be assigned to
  /// or destroyed; any other call throws ArgumentError.
  Model(const Model &);
  Model(Model &&) noexcept;
  Model &operator=(const Model &);
  Model &operator=(Model &&) noexcept;
  ~Model();

  /// Networks declared in the source (`network NAME:`), in source order.
  std::vector<std::string> networks() const;
  /// Neuron models (`model NAME:`), imports first, in source order.
  std::vector<std::string> models() const;
  /// Warnings the compiler reported (none when compilation was clean).
  const std::vector<Message> &warnings() const;
  /// Wall time of compileFile/compileString (front end and passes), in ms.
  double compile_ms() const;
  /// The target its simulations run on (CompilerOptions::target).
  Target target() const;

  /// Builds a simulation of a network: its populations, synapses and
  /// initial state at t = 0; on the cpu target this JIT-compiles (or loads
  /// from the cache) the network's models. With an empty name the source
  /// must hold exactly one network. Throws ArgumentError for an unknown
  /// name and SimulationError when the network cannot be built.
  Simulation simulate(const std::string &network = "") const;

  /// Builds a simulation of `setup.n` copies of one neuron model, as a
  /// one-population network named after the model, at the model's own dt
  /// and seed. Throws ArgumentError for unknown models, variables or ports
  /// and SimulationError when it cannot be built.
  Simulation simulateModel(const std::string &model, const ModelSetup &setup = {}) const;
  /// simulateModel with `n` neurons and nothing else set.
  Simulation simulateModel(const std::string &model, uint64_t n) const;

private:
  friend class Compiler;
  explicit Model(std::shared_ptr<detail::ModelImpl> impl);
  /// The implementation; throws ArgumentError on a moved-from object.
  const std::shared_ptr<detail::ModelImpl> &impl() const;
  std::shared_ptr<detail::ModelImpl> impl_;
};

} // namespace nsc
