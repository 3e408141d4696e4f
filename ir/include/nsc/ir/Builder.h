//===- Builder.h - Convenient construction of IR nodes ----------*- C++ -*-===//
//
// Used by lowering, by passes that create nodes and by tests. The builder
// computes result types from the type rules below; it never converts
// implicitly, except in coerce(), which is the one place that decides how a
// value becomes a given type (IntToReal, UnitConvert, ReinterpretUnit).
// Real types get the builder's precision (the model's by default).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include <string>
#include <vector>

namespace nsc::ir {

//===----------------------------------------------------------------------===//
// Type rules (shared with the verifier)
//===----------------------------------------------------------------------===//

/// The type of `l op r` when l and r already agree as the op requires
/// (same kind and unit for + - % and comparisons, Int for bitwise, Bool for
/// and/or). For Pow the exponent must be dimensionless; a dimensioned base
/// needs a constant integer exponent, given as `constExponent`. Returns
/// Type::error() (and a reason in `why`) when the operands do not fit.
Type binaryResultType(BinaryOp op, const Type &l, const Type &r, const double *constExponent,
                      std::string *why = nullptr);

/// Allowed argument counts of a builtin (Builtin::User: not checked here).
void builtinArity(Builtin b, unsigned &minArgs, unsigned &maxArgs);

/// The factor that converts a value in `from` into `to` (same dimension):
/// an exactly rounded power of ten when the scales differ by one (nA -> pA
/// is exactly 1000, not 1000.0000000000001), else from.scale / to.scale.
double conversionFactor(const units::Unit &from, const units::Unit &to);

/// Time unit of the IR (ms) and the type of x^(order) for a value of type t.
units::Unit msUnit();
Type derivativeType(const Type &t, unsigned order);

class Builder {
public:
  /// A builder for expressions of `model` (variables, ports, ...).
  explicit Builder(Model &model);
  /// A builder for model-free expressions (network values).
  explicit Builder(Precision realPrecision = Precision::f64());

  Model *model() const { return model_; }
  const Precision &precision() const { return precision_; }
  void setPrecision(const Precision &p) { precision_ = p; }

  // Types -------------------------------------------------------------------
  Type realType(units::Unit u = {}) const { return Type::real(u, precision_); }
  Type intType() const { return Type::integer(); }
  Type boolType() const { return Type::boolean(); }
  /// Gives a Real type the builder's precision; other types unchanged.
  Type withPrecision(Type t) const;

  // Model contents ------------------------------------------------------------
  VarId addVariable(std::string name, VarRole role, Type type, ExprPtr init = nullptr,
                    uint32_t vectorSize = 0);
  uint32_t addPort(std::string name, PortKind kind, Type type, uint32_t vectorSize = 0);
  uint32_t addInline(std::string name, Type type, ExprPtr rhs, bool recordable = false);
  uint32_t addKernel(std::string name, unsigned order, ExprPtr rhs);
  void addOde(VarId var, unsigned order, ExprPtr rhs);
  uint32_t addFunction(std::string name, std::vector<VarId> params, Type returnType);

  // Leaves --------------------------------------------------------------------
  ExprPtr real(double v, units::Unit u = {}) const;
  ExprPtr integer(int64_t v) const;
  ExprPtr boolean(bool v) const;
  ExprPtr string(std::string s) const;
  ExprPtr var(VarId v, ExprPtr index = nullptr) const;
  ExprPtr derivative(VarId v, unsigned order) const;
  ExprPtr port(uint32_t p, ExprPtr index = nullptr) const;
  ExprPtr inlineRef(uint32_t i) const;
  ExprPtr kernelRef(uint32_t k, unsigned order = 0) const;

  // Operations ------------------------------------------------------------------
  ExprPtr unary(UnaryOp op, ExprPtr x) const;
  ExprPtr neg(ExprPtr x) const { return unary(UnaryOp::Neg, std::move(x)); }
  ExprPtr logicalNot(ExprPtr x) const { return unary(UnaryOp::Not, std::move(x)); }
  /// No implicit conversion: operands must already agree (see coerce()).
  /// The result type is Error when they do not (the verifier reports it).
  ExprPtr binary(BinaryOp op, ExprPtr l, ExprPtr r) const;
  ExprPtr add(ExprPtr l, ExprPtr r) const { return binary(BinaryOp::Add, std::move(l), std::move(r)); }
  ExprPtr sub(ExprPtr l, ExprPtr r) const { return binary(BinaryOp::Sub, std::move(l), std::move(r)); }
  ExprPtr mul(ExprPtr l, ExprPtr r) const { return binary(BinaryOp::Mul, std::move(l), std::move(r)); }
  ExprPtr div(ExprPtr l, ExprPtr r) const { return binary(BinaryOp::Div, std::move(l), std::move(r)); }
  ExprPtr select(ExprPtr c, ExprPtr a, ExprPtr b) const;
  /// A builtin call with an explicit result type.
  ExprPtr call(Builtin b, std::vector<ExprPtr> args, Type result) const;
  ExprPtr callFunction(uint32_t function, std::vector<ExprPtr> args) const;
  ExprPtr list(Type elementType, std::vector<ExprPtr> elements) const;

  // Conversions -------------------------------------------------------------------
  /// x converted to `to` (same dimension); x itself when already in it.
  ExprPtr convert(ExprPtr x, const units::Unit &to) const;
  ExprPtr intToReal(ExprPtr x) const;
  ExprPtr cast(CastKind k, ExprPtr x, Type to) const;
  /// x as a value of type `to`: Int -> Real cast, scale conversion,
  /// dimensionless <-> physical reinterpretation, Real -> Int truncation.
  /// A constant is folded instead of wrapped where that is exact (an integer
  /// literal becoming real, a unit-free constant such as 0 or inf taking a
  /// unit). Returns null when no conversion exists (kind mismatch).
  ExprPtr coerce(ExprPtr x, const Type &to) const;

  // Statements --------------------------------------------------------------------
  StmtPtr assign(VarId target, ExprPtr value, ExprPtr index = nullptr) const;
  StmtPtr ifStmt(ExprPtr cond, Block thenBody, Block elseBody = {}) const;
  StmtPtr forStmt(VarId var, ExprPtr from, ExprPtr to, ExprPtr step, Block body) const;
  StmtPtr whileStmt(ExprPtr cond, Block body) const;
  StmtPtr ret(ExprPtr value = nullptr) const;
  StmtPtr emitSpike(std::vector<ExprPtr> args = {}) const;
  StmtPtr integrateOdes(std::vector<VarId> vars = {}) const;
  StmtPtr callStmt(ExprPtr call) const;
  StmtPtr localDecl(VarId var, ExprPtr init = nullptr) const;

private:
  Model *model_ = nullptr;
  Precision precision_;
};

} // namespace nsc::ir
