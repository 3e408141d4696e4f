//===- NetworkLowerer.h - One AST network to an IR network ------*- C++ -*-===//
//
// Internal to nsc_lowering. A NetworkLowerer lowers one network member kind
// at a time, in this order: semantics blocks, populations (models and
// sources), projections, recorders, then the `homeostasis for` / `aer for`
// blocks. Each kind after the populations refers to populations by name, so
// it needs them all lowered first.
//
// Model populations and plastic synapses use ProgramLowering's models: a
// model whose semantics here differ from its standalone ones is lowered
// again as a specialization (ProgramLowering::modelFor).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "LowerSemantics.h"
#include "ModelLowerer.h"

#include "nsc/frontend/AST.h"
#include "nsc/ir/IR.h"
#include "nsc/support/Diagnostics.h"

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace nsc::lowering {

class ProgramLowering;
struct ModelEntry;

class NetworkLowerer {
public:
  NetworkLowerer(ProgramLowering &program, ir::Module &module, DiagnosticEngine &diags,
                 const ast::Network &net, const SemanticsOverrides &fileOverrides);

  /// Lowers the whole network; call once.
  std::unique_ptr<ir::Network> run();

private:
  /// The input port a projection feeds and, when it splits by sign, the
  /// port that receives the magnitude of negative weights.
  struct TargetPorts {
    uint32_t port;
    std::optional<uint32_t> negative;
  };
  /// The settings of a projection (`weight = ...` etc.), null when absent.
  struct ProjectionSettings {
    const ast::NamedArg *weight = nullptr, *delay = nullptr, *port = nullptr, *synapse = nullptr;
    const ast::NamedArg *coupling = nullptr; // `gap_junction = V` or `variable = x`
  };

  // Semantics blocks (LowerNetwork.cpp)
  void lowerSemanticsBlocks();
  /// defaults < model's file < network's file < network < model.
  ir::Semantics semanticsOf(const ModelEntry &entry) const;

  // Populations (LowerNetwork.cpp)
  void lowerPopulations();
  void lowerSource(const ast::Population &p, ir::PopulationKind kind, ir::Population &pop);
  /// False when the model is unknown (sema reported it).
  bool lowerModelPopulation(const ast::Population &p, ir::Population &pop);
  void checkSemanticsForSources();

  // Projections (LowerProjection.cpp)
  void lowerProjections();
  /// False when the projection is dropped (an error was reported).
  bool lowerProjection(const ast::Projection &pr, ir::Projection &proj);
  bool lowerConnectionRule(const ast::Call &rule, ir::Connectivity &conn);
  /// pairwise_bernoulli(p = EXPR): the expression over the pair indices.
  bool lowerPairProbability(const ast::Call &rule, ir::Connectivity &conn);
  /// A source's `file = "..."`: relative paths against the declaring file's directory.
  std::string dataPath(const std::string &written, SourceRange at) const;
  /// `gap_junction = V` / `variable = x` (R18b): the variables, the
  /// source's port, the weight in port unit / variable unit.
  bool lowerCoupling(const ProjectionSettings &s, const ir::Model &tmodel, ir::Projection &proj);
  std::optional<TargetPorts> targetPorts(const ast::Projection &pr, const ast::NamedArg *port,
                                         bool continuous, const ir::Population &tgt,
                                         const ir::Model &tmodel);
  void scaleCurrentToPort(const ir::Port &tport, ir::Projection &proj);
  void lowerWeight(const ProjectionSettings &s, const ir::Port &tport, ir::Projection &proj, bool signal);
  void lowerDelay(const ast::NamedArg *delay, ir::Projection &proj);
  bool lowerSynapse(const ast::Projection &pr, const ProjectionSettings &s, ir::Projection &proj);

  // Recorders (LowerNetwork.cpp)
  void lowerRecorders();
  bool lowerRecorder(const ast::Recorder &rec, ir::Recorder &r);
  bool lowerSynapseRecorder(const ast::Recorder &rec, ir::SynapseRecorder &r);
  /// A recorder's `every T` in ms and steps (false after a diagnostic).
  bool recordInterval(const ast::Recorder &rec, double &ms, uint64_t &steps);

  // `homeostasis for` / `aer for` blocks (LowerHardware.cpp)
  void lowerHardware();

  // Values shared by the member kinds (LowerNetwork.cpp)
  std::optional<uint64_t> constInt(const ast::Expr *e, const char *what);
  /// The neurons `ref` names; false when it names none (sema reported it).
  bool slice(const ast::PopulationRef &ref, ir::PopulationSlice &s);
  /// `ms` in whole steps of dt, warning when it is not a multiple.
  int64_t stepsOf(double ms, SourceRange r, const std::string &what);

  ProgramLowering &program_;
  ir::Module &module_;
  DiagnosticEngine &diags_;
  const ast::Network &ast_;
  const SemanticsOverrides &fileOverrides_;

  std::unique_ptr<ir::Network> out_;
  ir::Network &network_;
  SemanticsOverrides networkOverrides_;
  std::vector<std::pair<const ast::SemanticsBlock *, SemanticsOverrides>> populationBlocks_;
  /// Models whose own `seed` was reported as not acting in this network.
  std::set<const ModelEntry *> seedReported_;
  double dt_ = 0;
  /// Values at the network's semantics (weights); set by lowerSemanticsBlocks.
  std::optional<ModelLowerer> values_;
  /// Host-side quantities: float64 regardless of the populations' arithmetic.
  ModelLowerer hostValues_;
};

} // namespace nsc::lowering
