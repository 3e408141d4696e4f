//===- ModelEmitterInternal.h - The CUDA model emitter's state --*- C++ -*-===//
//
// Internal to the cuda backend: the class behind detail::emitModel
// (ModelEmitter.h), split by concept over
//   ModelEmitter.cpp       the frame, functions and step kernel skeleton (run)
//   ExprEmitter.cpp        expressions: the interpreter's operations as C++
//   FixedExprEmitter.cpp   fixed-point expressions (FixedPointCore.h calls)
//   StmtEmitter.cpp        statements: stores, control flow, bounded loops
//   ModelEffects.{h,cpp}   effects, purity and the call graph
//
//===----------------------------------------------------------------------===//
#pragma once

#include "ModelEffects.h"
#include "ModelEmitter.h"

#include "nsc/ir/StateLayout.h"

#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace nsc::cuda::detail {

/// A float64 (or, with f32, binary32) constant as a C++ literal; NaN and
/// infinities as bit patterns (NVRTC has no math headers).
std::string realLiteral(double v, bool f32);
/// An int64 constant as a C++ literal of type nsc_i64.
std::string intLiteral(int64_t v);
bool isF32(const ir::Type &t);
bool isFixed(const ir::Type &t);
/// A format as FixedPointCore.h takes it: "nsc_fx::Format{m, n, r, o}".
std::string fixedFormat(const ir::Precision &p);
/// The C type of a cell holding a value of type t (ir::cellEncodingOf):
/// double, or nsc_i64 for integers, booleans and fixed point (raw value).
const char *cellType(const ir::Type &t);
/// The C type an expression of type t evaluates to (nsc_i64 for fixed point).
const char *cType(const ir::Type &t);

class Emitter {
public:
  Emitter(const ir::Model &m, double dt, std::string prefix, DiagnosticEngine &diags)
      : m_(m), dt_(dt), p_(std::move(prefix)), diags_(diags), effects_(m), layout_(ir::layoutOf(m)) {}

  bool run(std::string &out);

  /// Texts of the warning() call sites, in the order of their status bits.
  std::vector<std::string> warnings;

private:
  // run's parts, in the order they emit (ModelEmitter.cpp); P is "nsc_" + prefix.
  void nameMembers();
  void emitFrame(std::ostream &o, const std::string &P);
  void emitFunctions(std::ostream &o, const std::string &P);
  void emitFunction(std::ostream &o, const std::string &P, const ir::Function &fn);
  void collectWritten();
  void emitStepPrologue(std::ostream &o, const std::string &P); // cells and this step's ring slot
  void emitStepBlocks(std::ostream &o);                         // update, handlers, conditions
  void emitStepEpilogue(std::ostream &o);                       // write-back, status, compaction

  // Expressions (ExprEmitter.cpp).
  std::string expr(const ir::Expr &e);
  std::string asDouble(const ir::Expr &e);
  std::string convert(const std::string &value, const ir::Type &from, const ir::Type &to);
  std::string realResult(const std::string &doubleValue, const ir::Type &t) {
    return isF32(t) ? "((float)" + doubleValue + ")" : doubleValue;
  }
  std::string call(const ir::Call &c);
  std::string varRead(const ir::VarRef &r);
  std::string varLValue(ir::VarId v, const ir::Expr *index);
  void checkOrder(const ir::Expr &e);
  // Fixed point (FixedExprEmitter.cpp): raw values in the node's format.
  std::string fixedExpr(const ir::Expr &e);
  std::string fixedOperand(const ir::Expr &x, const ir::Precision &P);
  std::string fixedRaw(const ir::Expr &x);
  // Statements (StmtEmitter.cpp).
  void block(const ir::Block &b, int depth);
  void stmt(const ir::Stmt &s, int depth);
  void line(int depth, const std::string &text) { body_ << std::string(2 * depth, ' ') << text << "\n"; }
  void store(int depth, ir::VarId v, const ir::Expr *index, const std::string &value, const ir::Type &from);
  void fail(SourceRange at, const std::string &what) {
    if (ok_)
      diags_.error(at, what);
    ok_ = false;
  }

  const ir::Model &m_;
  double dt_;
  std::string p_;
  DiagnosticEngine &diags_;
  ModelEffects effects_;
  ir::StateLayout layout_;
  bool ok_ = true;
  std::vector<std::string> member_;     // by VarId
  std::vector<std::string> port_;       // by port index
  std::set<ir::VarId> written_;
  std::ostringstream body_;
  bool inFunction_ = false;
};

} // namespace nsc::cuda::detail
