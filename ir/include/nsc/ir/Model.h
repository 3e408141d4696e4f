//===- Model.h - A neuron or synapse model in the IR ------------*- C++ -*-===//
//
// A model keeps its blocks as explicit constructs: variables (state,
// parameters, internals, locals, function arguments, all in one table so a
// VarId names any of them), ports, the ODE system (equations, kernels,
// inline expressions), the update body, the receive and condition handlers
// and the functions. Its Semantics are exactly those it runs under: a model
// used by a population with other semantics is lowered again as a
// specialization (see Network.h).
//
// Types of real values in the model carry the precision of its semantics
// when lowered; a quantization pass may later give variables and
// intermediates individual fixed-point formats.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Semantics.h"
#include "nsc/ir/Stmt.h"

#include <optional>
#include <string>
#include <vector>

namespace nsc::ir {

enum class VarRole { State, Parameter, Internal, Local, Argument };
const char *varRoleName(VarRole r); // "state", "param", "internal", "local", "arg"

struct Variable {
  VarId id = kNoVar;
  std::string name; // as declared; a state `g'` of a 2nd-order ODE keeps its prime
  VarRole role = VarRole::State;
  Type type;              // element type for vectors
  uint32_t vectorSize = 0; // 0 = scalar
  ExprPtr init;           // initial/default value (converted to type); may be null
  ExprPtr guard;          // `[[...]]` invariant (Bool); may be null
  bool recordable = false;
  std::vector<std::string> decorators;
  SourceRange loc;
};

enum class PortKind { Spike, Continuous };

struct Port {
  std::string name;
  PortKind kind = PortKind::Spike;
  bool excitatory = false, inhibitory = false;
  uint32_t vectorSize = 0; // 0 = scalar
  Type type;               // spike: weight type; continuous: value type
  /// False for a spike port declared without a unit (`spikes <- spike`):
  /// its weights then keep the unit the network gives them.
  bool declaredType = true;
  SourceRange loc;
};

/// x^(order) = rhs, rhs in unit(x)/ms^order.
struct OdeEquation {
  VarId var = kNoVar;
  unsigned order = 1;
  ExprPtr rhs;
  /// For order > 1: the state variables declared for x', x'', ...,
  /// x^(order-1) (NESTML declares them as `x' mV/ms = ...`), kNoVar where
  /// none is declared.
  std::vector<VarId> derivativeVars;
  SourceRange loc;
};

/// `kernel G = f(t)` (order 0, `t` = time since the spike) or the ODE form
/// `kernel g' = rhs` (order >= 1).
struct Kernel {
  std::string name;
  unsigned order = 0;
  ExprPtr rhs;
  Type type; // of the kernel's value
  SourceRange loc;
};

/// `inline NAME TYPE = rhs`, kept by name until the inline-expansion pass.
struct InlineExpr {
  std::string name;
  Type type;
  ExprPtr rhs;
  bool recordable = false;
  SourceRange loc;
};

struct OdeSystem {
  std::vector<OdeEquation> equations;
  std::vector<Kernel> kernels;
  std::vector<InlineExpr> inlines;
  /// The equation of `var`, or null.
  const OdeEquation *equationFor(VarId var) const;
};

struct OnReceive {
  uint32_t port = 0;
  int64_t priority = 0; // handlers run by descending priority, then source order
  Block body;
  SourceRange loc;
};

struct OnCondition {
  ExprPtr cond;
  Block body;
  SourceRange loc;
};

struct Function {
  std::string name;
  std::vector<VarId> params; // VarRole::Argument variables
  Type returnType;           // Void when nothing is returned
  Block body;
  SourceRange loc;
};

enum class ModelKind { Neuron, Synapse };

struct Model {
  std::string name;
  ModelKind kind = ModelKind::Neuron;
  /// The model this one specializes for a population (empty otherwise).
  std::string specializationOf;
  std::string docstring;
  Semantics semantics;
  std::vector<Variable> variables;
  std::vector<Port> ports;
  bool outputSpike = false;
  bool outputContinuous = false;
  OdeSystem odes;
  Block update;
  std::vector<OnReceive> onReceive;
  std::vector<OnCondition> onCondition;
  std::vector<Function> functions;
  /// Runs once per neuron after the initial values are set, and again
  /// whenever a parameter changes (NEST's calibrate): it computes what
  /// depends on parameters but not on the state, such as exact-solver
  /// propagators (ComputePropagator). Empty until the solve-odes pass.
  Block prepare;
  /// The order in which initial values are evaluated: every parameter,
  /// internal and state variable after the ones its initial value refers to
  /// (source order otherwise). Empty means declaration order.
  std::vector<VarId> initOrder;
  SourceRange loc;

  /// Looks a variable / port / function up by name (locals and arguments
  /// excluded for variables); nullopt when absent.
  std::optional<VarId> findVariable(const std::string &name) const;
  std::optional<uint32_t> findPort(const std::string &name) const;
  std::optional<uint32_t> findFunction(const std::string &name) const;
  std::optional<uint32_t> findInline(const std::string &name) const;
};

} // namespace nsc::ir
