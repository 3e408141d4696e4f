//===- OdeIntegrators.h - Emit one solver step as IR statements -*- C++ -*-===//
//
// Internal to the solve-odes pass. Each emitter appends to a block the
// statements that compute, into fresh locals, the values the chosen
// variables have after one step dt, reading only the values at the start of
// the step; the caller then assigns them. Everything is plain IR, so every
// backend runs the same arithmetic in the same order.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Builder.h"
#include "nsc/passes/LinearForm.h"

#include <map>
#include <string>
#include <vector>

namespace nsc::passes {

/// The first-order form of a model's ODEs: x^(k) = f becomes x, x', ...,
/// x^(k−1) with x^(j)' = x^(j+1) and x^(k−1)' = f.
struct FirstOrderSystem {
  std::vector<ir::VarId> vars;
  std::vector<ir::ExprPtr> rhs; // in unit(var)/ms; derivatives read as variables
  std::vector<SourceRange> locs;
  int indexOf(ir::VarId v) const;
};

class IntegratorEmitter {
public:
  IntegratorEmitter(ir::Model &m, const FirstOrderSystem &sys, double dtMs);

  /// Exact propagator for `vars` (indices into the system); `forms` holds
  /// their right-hand sides decomposed over these variables.
  void exact(const std::vector<unsigned> &vars, std::vector<LinearForm> &forms, ir::Block &out,
             std::map<unsigned, ir::VarId> &next);
  void expEuler(const std::vector<unsigned> &vars, ir::Block &out,
                std::map<unsigned, ir::VarId> &next);
  void euler(const std::vector<unsigned> &vars, ir::Block &out, std::map<unsigned, ir::VarId> &next);
  void rk4(const std::vector<unsigned> &vars, ir::Block &out, std::map<unsigned, ir::VarId> &next);
  void rk45(const std::vector<unsigned> &vars, double rtol, double atol, ir::Block &out,
            std::map<unsigned, ir::VarId> &next);

  /// Propagator computations for the model's prepare block.
  ir::Block takePrepare() { return std::move(prepare_); }
  /// Whether the last exact() call had run-time coefficients.
  bool lastExactAtRuntime() const { return lastRuntime_; }

private:
  ir::VarId local(const std::string &name, const ir::Type &t, ir::Block &out,
                  ir::ExprPtr init = nullptr);
  /// f_i with the variables of `stage` (system index -> variable) replaced
  /// and `t` shifted by `timeOffset` (ms) when given.
  ir::ExprPtr rhsAt(unsigned i, const std::map<unsigned, ir::VarId> &stage,
                    const ir::Expr *timeOffset) const;
  ir::Type typeOf(unsigned i) const;
  ir::ExprPtr h() const;

  ir::Model &m_;
  ir::Builder b_;
  const FirstOrderSystem &sys_;
  double dt_;
  ir::Block prepare_;
  bool lastRuntime_ = false;
  unsigned propagatorCount_ = 0;
};

} // namespace nsc::passes
