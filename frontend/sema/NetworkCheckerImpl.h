//===- NetworkCheckerImpl.h - The checker of one network block -*- C++ -*-===//
//
// Internal to nsc_sema (NetworkChecker.h is its entry point). One class,
// its members defined by topic:
//   NetworkChecker.cpp      run, constant values, populations
//   NetworkProjections.cpp  projections: rules, ports, synapse models, third factors
//   NetworkRecorders.cpp    recorders of neurons and synapses
//
//===----------------------------------------------------------------------===//
#pragma once

#include "BuiltinSources.h"
#include "ConstEval.h"
#include "ExprChecker.h"
#include "HardwareChecker.h"
#include "SemaContext.h"
#include "nsc/frontend/AST.h"

#include <map>
#include <optional>
#include <string>

namespace nsc::sema {

inline std::string quote(const ir::Type &t) { return "'" + typeStr(t) + "'"; }

struct PopInfo {
  ast::Population *pop = nullptr;
  const ModelInfo *model = nullptr;
  const SourceInfo *source = nullptr;
  long long size = 1;
  bool valid = false; // model or source known
};

/// Checks one `network` block (NetworkChecker.h).
class NetworkChecker {
public:
  NetworkChecker(SemaContext &ctx, ast::Network &net)
      : ctx_(ctx), diags_(ctx.diags), net_(net), ec_(ctx, nullptr) {
    ec_.region = Region::Network;
  }

  void run();

  void checkHardware(ast::HardwareBlock &h);

private:
  // --- values -----------------------------------------------------------

  std::optional<ConstValue> constantOf(ast::Expr *e, const char *what);

  /// A constant, a list of constants or a distribution; returns its
  /// (element) type or Error.
  ir::Type checkValue(ast::Expr *v);

  void checkAgainst(const ir::Type &expected, ast::Expr *v, const std::string &what);

  // --- populations --------------------------------------------------------

  void checkPopulation(ast::Population &p);

  /// The type of parameter/state `name` of a model; Error after a diagnostic.
  ir::Type modelVariable(const ModelInfo &m, const std::string &name, SourceRange r,
                         const char *what);

  /// A source that takes its data inline or from a file needs one of the
  /// two (spike_generator: `times` or `file`); `neurons` needs `times`.
  void checkSourceAlternatives(const ast::Population &p, const std::map<std::string, SourceRange> &seen,
                               SourceRange mr);

  ir::Type sourceParam(const SourceInfo &s, ast::NamedArg &na, SourceRange r);

  // --- projections ----------------------------------------------------------

  /// Checks a population reference; returns its info and the number of
  /// neurons selected (0 when unknown).
  const PopInfo *checkPopRef(ast::PopulationRef &ref, long long &count);

  /// small_world(k, p): a ring of equal-sized source and target slices, k
  /// even in (0, N), p in [0, 1] (docs/semantics.md R33).
  void checkSmallWorld(ast::Call &rule, long long nSrc, long long nDst);

  /// pairwise_bernoulli(p = EXPR): one `p`, a dimensionless number over the
  /// pair indices i and j, constants and math builtins (docs/semantics.md R33).
  void checkPairwise(ast::Call &rule);

  void checkRule(ast::Projection &pr, long long nSrc, long long nDst);

  const ast::InputPort *defaultPort(bool current, const PopInfo &dst, SourceRange where);

  /// A current source delivers picoamperes: the continuous port must hold
  /// a current (a voltage or dimensionless port would silently take the
  /// number in its own unit).
  void checkCurrentPort(const PopInfo &src, const ast::InputPort &port, SourceRange at);

  void checkProjection(ast::Projection &pr);

  /// Third factors of a plastic projection (docs/plasticity.md): a synapse
  /// model's continuous input port reads the postsynaptic neuron's variable
  /// of the same name; its spike port named `mod...` takes the spikes of
  /// the population named by `modulator = POP`.
  void checkThirdFactor(const ast::Projection &pr, ast::NamedArg *synapse, ast::NamedArg *modulator, const PopInfo *dst);

  void checkModulatorPopulation(ast::NamedArg &modulator);

  /// A synapse model's continuous port `x` reads variable `x` of the
  /// postsynaptic neuron (NESTML's post-port convention).
  void checkPostRead(const ModelInfo &m, const ast::InputPort &port, const ModelInfo &post, ast::NamedArg *synapse);

  void checkSynapse(ast::NamedArg &sa);

  // --- recorders ----------------------------------------------------------

  /// The synapse model a projection names (`synapse = stdp_synapse(...)`), or null.
  const ModelInfo *synapseModelOf(const ast::Projection &pr);

  /// `record w from ee[a:b] every T`: variables of a plastic projection's
  /// synapses; the slice selects the synapses onto target neurons a..b-1.
  void checkSynapseRecorder(ast::Recorder &r, const ast::Projection &pr);

  /// Each recorder writes the file named by its label: two with one label
  /// would overwrite each other.
  void checkRecorderLabel(const ast::Recorder &r);

  void checkRecorder(ast::Recorder &r);

  SemaContext &ctx_;
  DiagnosticEngine &diags_;
  ast::Network &net_;
  ExprChecker ec_;
  std::map<std::string, SourceRange> popRanges_;
  std::map<std::string, PopInfo> pops_;
  std::map<std::string, const ast::Projection *> projections_; // by `connect NAME:`
  std::map<std::string, SourceRange> recorderLabels_;
  HardwareCheckState hardware_;
};

} // namespace nsc::sema
