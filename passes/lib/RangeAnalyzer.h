//===- RangeAnalyzer.h - The range analysis's interpreter ----*- C++ -*-===//
//
// Internal to the range analysis (analyzeRanges, RangeAnalysis.h), split by
// concept over
//   RangeAnalysis.cpp  start-up values, input ranges, the fixed point over
//                      steps (widening, narrowing) and the reported ranges
//   RangeStep.cpp      the abstract interpretation of one step: expressions,
//                      conditions and statements over interval environments
//
//===----------------------------------------------------------------------===//
#pragma once

#include "RangePartitions.h"

#include "nsc/ir/IR.h"
#include "nsc/passes/RangeAnalysis.h"
#include "nsc/support/Diagnostics.h"

#include <map>
#include <optional>
#include <set>
#include <vector>

namespace nsc::passes::detail {

class RangeAnalyzer {
public:
  RangeAnalyzer(const ir::Model &m, const RangeOptions &o, DiagnosticEngine &d, RangeResult &r)
      : m_(m), opt_(o), diags_(d), res_(r) {}

  void run();

private:
  using Env = RangeEnv;
  /// The environments of a path set: one per partition (RangePartitions.h).
  using Envs = std::vector<Env>;
  /// The environments between steps, by partition key.
  using State = std::map<std::vector<int>, Env>;

  // Start-up values and input ranges (RangeAnalysis.cpp).
  std::optional<double> startValue(const ir::Expr &e);
  void computeStartValues();
  bool applyOverrides();
  void initialRanges();
  Interval guardClamp(ir::VarId v) const;

  // One step over intervals (RangeStep.cpp).
  Interval eval(const ir::Expr &e, const Env &env);
  void exec(const ir::Block &b, Envs &envs);
  bool refineComparison(const ir::Binary &b, bool truth, Env &env);
  Envs split(const ir::Expr &cond, bool truth, const Env &env);
  Envs step(const Env &env);

  // The fixed point over steps (RangeAnalysis.cpp).
  void partitionStart();
  bool isTracked(const ir::Variable &v) const { return v.role != ir::VarRole::Local && !fixedRange_[v.id]; }
  State runStep(const State &from);
  void restrictToKey(const std::vector<int> &key, Env &e) const;
  Interval clampToGuard(const ir::Variable &v, Interval x);
  Interval widen(ir::VarId v, Interval grown, const Interval &old, bool last);
  bool growRound(State &state, unsigned it);
  void narrow(State &state);
  void report(const State &state);

  const ir::Model &m_;
  const RangeOptions &opt_;
  DiagnosticEngine &diags_;
  RangeResult &res_;
  std::vector<std::optional<double>> start_;
  std::map<ir::VarId, Interval> populationSet_; // parameters populations set to other values
  std::vector<bool> fixedRange_; // overrides and start-up constants: never changed
  bool assumed_ = false;         // some input rests on an assumption
  std::vector<Interval> assigned_; // every value assigned inside a step
  PartitionKeys keys_;             // the variables the step's environments are split on

  // The fixed point's state (run).
  std::vector<Interval> guard_;    // per variable: its guard's clamp (state variables)
  Env stepStart_;                  // the environment before the first step
  State initial_;                  // stepStart_, partitioned
  std::vector<bool> widened_, clamped_;
  std::vector<std::set<double>> hiMarks_, loMarks_; // bounds widening gave (upper, -lower)
};

} // namespace nsc::passes::detail
