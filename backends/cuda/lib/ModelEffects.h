//===- ModelEffects.h - What a model's code does besides computing -*- C++ -*-===//
//
// Internal to the cuda backend. C++ leaves the order in which operands are
// evaluated open, so the emitter must know which expressions have effects
// (random draws, warnings, calls of functions that write cells), and CUDA
// device code cannot recurse without a known stack size, so it must know
// the call graph. Both are properties of the IR alone, computed here.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Model.h"

#include <cstdint>
#include <set>
#include <vector>

namespace nsc::cuda::detail {

class ModelEffects {
public:
  explicit ModelEffects(const ir::Model &m);

  /// Function f writes a cell other than its own locals and arguments,
  /// draws random numbers, emits a spike or warns (transitively).
  bool impure(uint32_t f) const { return f < impure_.size() && impure_[f]; }
  /// Evaluating e draws random numbers, warns or calls an impure function.
  bool hasEffects(const ir::Expr &e) const;
  /// Function f calls itself, directly or through others.
  bool recursive(uint32_t f) const;
  /// Adds every variable that `b` assigns (for-loop variables included).
  static void collectWrites(const ir::Block &b, std::set<ir::VarId> &out);

private:
  bool exprImpure(const ir::Expr &e) const;
  bool blockImpure(const ir::Block &b, uint32_t self) const;
  void findImpureFunctions();
  void callsOf(const ir::Block &b, std::set<uint32_t> &out) const;
  void callsOfExpr(const ir::Expr &e, std::set<uint32_t> &out) const;
  bool recursive(uint32_t f, std::set<uint32_t> &seen, std::set<uint32_t> &stack) const;

  const ir::Model &m_;
  std::vector<bool> impure_; // by function
};

} // namespace nsc::cuda::detail
