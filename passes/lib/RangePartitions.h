//===- RangePartitions.h - Trace partitioning for the range analysis -*- C++ -*-===//
//
// Interval environments are non-relational: after `onCondition(refr_count
// == 0 and V_m > V_th)` the path that does not reset knows nothing about
// V_m, because a refractory neuron (refr_count > 0) keeps any V_m. Keeping
// one environment per region of each small integer state variable that the
// code compares with constants (refr_count < 0, == 0, >= 1) makes the
// analysis see that V_m is frozen at V_r while refractory and below V_th
// otherwise. The range analysis (RangeAnalysis.cpp) runs a step on a list
// of environments, splits them on branch conditions (a negated conjunction
// becomes two disjoint cases: ¬a, and a ∧ ¬b), merges those of the same
// region and reports the join of all of them.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/passes/RangeAnalysis.h"

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nsc::passes::detail {

/// One interval per VarId.
using RangeEnv = std::vector<Interval>;

/// The partition key variables and their regions.
class PartitionKeys {
public:
  struct Key {
    ir::VarId var;
    /// Sorted first values of the regions after the first: the regions are
    /// (-inf, starts[0]-1], [starts[0], starts[1]-1], ..., [starts.back(), inf).
    std::vector<double> starts;
  };
  using Constant = std::function<std::optional<double>(const ir::Expr &)>;

  /// Scalar integer state variables compared with start-up constants in
  /// the conditions of `if` statements and onCondition blocks. Keys are
  /// dropped, those with most regions first, until the product of the
  /// region counts is at most maxPartitions. Variables marked in
  /// `exclude` (ranges fixed by --range) are no keys.
  void collect(const ir::Model &m, const Constant &constant, size_t maxPartitions,
               const std::vector<bool> &exclude);

  const std::vector<Key> &keys() const { return keys_; }
  bool empty() const { return keys_.empty(); }

  /// env cut into pieces that each lie in one region of every key (a key
  /// variable whose interval is empty is left alone).
  std::vector<RangeEnv> split(const RangeEnv &env) const;
  /// Region index per key of a piece from split() (-1: empty interval).
  std::vector<int> keyOf(const RangeEnv &piece) const;
  /// The interval of region r of key k.
  Interval region(size_t k, int r) const;
  /// Splits every environment and joins those of the same key.
  std::vector<RangeEnv> merge(const std::vector<RangeEnv> &envs) const;
  /// "refr_count (<= -1, 0, >= 1)": for the analysis's `why` phrases.
  std::string describe(const ir::Model &m) const;

private:
  std::vector<Key> keys_;
};

/// Narrows `env` by one comparison (cmp, taken as true or negated); false
/// when no value of env satisfies it.
using ComparisonRefiner = std::function<bool(const ir::Binary &cmp, bool truth, RangeEnv &env)>;

/// The environments, disjoint as far as the condition goes, in which
/// `cond` has the value `truth`: `a and b` true refines by both, false
/// splits into ¬a and a ∧ ¬b (dually for `or`), `not` flips, comparisons
/// go to `refine`; other conditions leave env as it is. Infeasible cases
/// are dropped, so the result may be empty.
std::vector<RangeEnv> splitOnCondition(const ir::Expr &cond, bool truth, const RangeEnv &env,
                                       const ComparisonRefiner &refine);

} // namespace nsc::passes::detail
