//===- Stmt.h - IR statements ---------------------------------*- C++ -*-===//
//
// Statements of update bodies, handlers and functions. Compound assignments
// (`+=` ...) are lowered to plain Assign; `elif` chains to nested If.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Expr.h"

#include <memory>
#include <vector>

namespace nsc::ir {

enum class StmtKind {
  Assign, If, For, While, Return, EmitSpike, IntegrateOdes, CallStmt, LocalDecl,
  ComputePropagator,
};

struct Stmt;
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

struct Stmt {
  const StmtKind kind;
  SourceRange loc;
  explicit Stmt(StmtKind k) : kind(k) {}
  virtual ~Stmt() = default;
  Stmt(const Stmt &) = delete;
  Stmt &operator=(const Stmt &) = delete;
  StmtPtr clone() const;
};

Block cloneBlock(const Block &b);

template <class T> bool isa(const Stmt *s) { return s && T::classof(s); }
template <class T> T *dyn_cast(Stmt *s) { return isa<T>(s) ? static_cast<T *>(s) : nullptr; }
template <class T> const T *dyn_cast(const Stmt *s) {
  return isa<T>(s) ? static_cast<const T *>(s) : nullptr;
}
template <class T> T *cast(Stmt *s) { return static_cast<T *>(s); }
template <class T> const T *cast(const Stmt *s) { return static_cast<const T *>(s); }

#define NSC_IR_STMT_CLASSOF(K)                                                 \
  static constexpr StmtKind Kind = StmtKind::K;                                \
  static bool classof(const Stmt *s) { return s->kind == StmtKind::K; }

/// target[index] = value; value's type is sameAs the target's type.
struct Assign : Stmt {
  NSC_IR_STMT_CLASSOF(Assign)
  Assign() : Stmt(StmtKind::Assign) {}
  VarId target = kNoVar;
  ExprPtr index; // element of a vector variable, or null
  ExprPtr value;
};

struct If : Stmt {
  NSC_IR_STMT_CLASSOF(If)
  If() : Stmt(StmtKind::If) {}
  ExprPtr cond; // Bool
  Block thenBody, elseBody;
};

/// `for var in from ... to step step:` — both bounds inclusive (NESTML); the
/// loop runs while var <= to for a positive step, var >= to for a negative.
struct For : Stmt {
  NSC_IR_STMT_CLASSOF(For)
  For() : Stmt(StmtKind::For) {}
  VarId var = kNoVar;
  ExprPtr from, to, step; // all of the variable's type; step never null
  Block body;
};

struct While : Stmt {
  NSC_IR_STMT_CLASSOF(While)
  While() : Stmt(StmtKind::While) {}
  ExprPtr cond;
  Block body;
};

/// Only inside functions; value null for void functions.
struct Return : Stmt {
  NSC_IR_STMT_CLASSOF(Return)
  Return() : Stmt(StmtKind::Return) {}
  ExprPtr value;
};

/// emit_spike(): a spike stamped at t_{k+1}. Synapse models pass the weight
/// and delay of the spike they forward: emit_spike(w, d) (delay in ms).
struct EmitSpike : Stmt {
  NSC_IR_STMT_CLASSOF(EmitSpike)
  EmitSpike() : Stmt(StmtKind::EmitSpike) {}
  std::vector<ExprPtr> args;
};

/// integrate_odes(a, b): advance the named ODE state variables from t_k to
/// t_{k+1}; an empty list means every variable that has an ODE.
struct IntegrateOdes : Stmt {
  NSC_IR_STMT_CLASSOF(IntegrateOdes)
  IntegrateOdes() : Stmt(StmtKind::IntegrateOdes) {}
  std::vector<VarId> vars;
};

/// A call evaluated for its effect (print, a void user function...).
struct CallStmt : Stmt {
  NSC_IR_STMT_CLASSOF(CallStmt)
  CallStmt() : Stmt(StmtKind::CallStmt) {}
  ExprPtr call; // a Call node
};

/// Declares (and initialises) a local variable; its scope is the rest of
/// the enclosing block.
struct LocalDecl : Stmt {
  NSC_IR_STMT_CLASSOF(LocalDecl)
  LocalDecl() : Stmt(StmtKind::LocalDecl) {}
  VarId var = kNoVar;
  ExprPtr init; // may be null: zero / false / empty string
};

/// Exact-solver coefficients of a linear constant-coefficient system
/// x' = A·x + b with n states, for one step h = dtMs (ms):
///   P = exp(A·h)                 (propagator)
///   M = ∫_0^h exp(A·s) ds        (gain of an input b held constant over the step)
/// so that x(t+h) = P·x(t) + M·b. Entries of A are real expressions that do
/// not depend on the state (row-major, null for a structural zero; entry
/// (i, j) in unit(x_i)/(ms·unit(x_j))). Evaluated in float64 by every backend
/// with nsc's matrix exponential (numerics/), then written to the output
/// variables (kNoVar where an entry is structurally zero or not needed).
/// Only found in Model::prepare, made by the solve-odes pass when A depends
/// on run-time parameters; constant systems get literal coefficients.
struct ComputePropagator : Stmt {
  NSC_IR_STMT_CLASSOF(ComputePropagator)
  ComputePropagator() : Stmt(StmtKind::ComputePropagator) {}
  unsigned size = 0;
  double dtMs = 0;
  std::vector<ExprPtr> matrix;      // size*size
  std::vector<VarId> propagator;    // size*size: P_ij
  std::vector<VarId> inputGain;     // size*size: M_ij
};

#undef NSC_IR_STMT_CLASSOF

} // namespace nsc::ir
