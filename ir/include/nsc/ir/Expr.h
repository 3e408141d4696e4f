//===- Expr.h - Typed IR expressions ----------------------------*- C++ -*-===//
//
// Every IR expression node has a complete ir::Type (kind x unit x precision).
// Arithmetic is done in the units the types name: whenever two operands of
// `+ - < == min ...` have different scales (mV and V), lowering inserts an
// explicit UnitConvert, and integers meeting reals get an explicit Cast. So a
// backend never reasons about unit scales: it multiplies where it is told to.
//
// Conventions every pass and backend may rely on:
//  - Real constants hold an exact double, in the unit of their type.
//  - Times are in ms: `t` (Builtin::Time), resolution(), delays, the ODE
//    right-hand side of `x' = ...` has the unit unit(x)/ms.
//  - Operands of Add/Sub/Mod/comparisons/Select arms have sameAs() types.
//
// Nodes are owned through unique_ptr; isa/dyn_cast/cast as in the AST.
// Nodes keep the source range they came from (`loc`) for diagnostics of
// later passes ("this term prevents mapping to Loihi"); it is not syntax and
// is never printed.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/SourceManager.h"
#include "nsc/ir/Type.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace nsc::ir {

/// Index into Model::variables.
using VarId = uint32_t;
constexpr VarId kNoVar = UINT32_MAX;

enum class ExprKind {
  Constant, VarRef, Derivative, PortRef, InlineRef, KernelRef, Unary, Binary,
  Select, Call, UnitConvert, Cast, List,
};

struct Expr;
using ExprPtr = std::unique_ptr<Expr>;

struct Expr {
  const ExprKind kind;
  Type type;
  SourceRange loc;
  Expr(ExprKind k, Type t) : kind(k), type(std::move(t)) {}
  virtual ~Expr() = default;
  Expr(const Expr &) = delete;
  Expr &operator=(const Expr &) = delete;
  /// Deep copy (children included, loc kept).
  ExprPtr clone() const;
};

template <class T> bool isa(const Expr *e) { return e && T::classof(e); }
template <class T> T *dyn_cast(Expr *e) { return isa<T>(e) ? static_cast<T *>(e) : nullptr; }
template <class T> const T *dyn_cast(const Expr *e) {
  return isa<T>(e) ? static_cast<const T *>(e) : nullptr;
}
template <class T> T *cast(Expr *e) { return static_cast<T *>(e); }
template <class T> const T *cast(const Expr *e) { return static_cast<const T *>(e); }

#define NSC_IR_EXPR_CLASSOF(K)                                                 \
  static constexpr ExprKind Kind = ExprKind::K;                                \
  static bool classof(const Expr *e) { return e->kind == ExprKind::K; }

/// A literal. Which field is meaningful follows type.kind: Real -> real (in
/// the unit of the type), Int -> integer, Bool -> boolean, String -> str.
struct Constant : Expr {
  NSC_IR_EXPR_CLASSOF(Constant)
  explicit Constant(Type t) : Expr(ExprKind::Constant, std::move(t)) {}
  double real = 0;
  int64_t integer = 0;
  bool boolean = false;
  std::string str;
};

/// A model variable (state, parameter, internal, local, function argument);
/// `index` selects an element of a vector variable (null for scalars and
/// for whole-vector uses).
struct VarRef : Expr {
  NSC_IR_EXPR_CLASSOF(VarRef)
  VarRef(Type t, VarId v) : Expr(ExprKind::VarRef, std::move(t)), var(v) {}
  VarId var;
  ExprPtr index;
};

/// `x'`, `g''` used as a value: the order-th time derivative of a variable
/// that has an ODE of at least that order. Type: unit(x)/ms^order.
struct Derivative : Expr {
  NSC_IR_EXPR_CLASSOF(Derivative)
  Derivative(Type t, VarId v, unsigned o)
      : Expr(ExprKind::Derivative, std::move(t)), var(v), order(o) {}
  VarId var;
  unsigned order;
};

/// An input port read as a value. Spike port: the sum of the weights of the
/// spikes delivered to it in this step (in onReceive, of the spike being
/// handled). Continuous port: its current value, held over the step.
struct PortRef : Expr {
  NSC_IR_EXPR_CLASSOF(PortRef)
  PortRef(Type t, uint32_t p) : Expr(ExprKind::PortRef, std::move(t)), port(p) {}
  uint32_t port;  // index into Model::ports
  ExprPtr index;  // element of a vector port, or null
};

/// Use of an `inline` expression by name (index into OdeSystem::inlines).
/// The inline-expansion pass replaces these by the expression itself.
struct InlineRef : Expr {
  NSC_IR_EXPR_CLASSOF(InlineRef)
  InlineRef(Type t, uint32_t i) : Expr(ExprKind::InlineRef, std::move(t)), inlineId(i) {}
  uint32_t inlineId;
};

/// A kernel (index into OdeSystem::kernels), as the first argument of
/// convolve() or, with order > 0, inside a kernel's own ODE.
struct KernelRef : Expr {
  NSC_IR_EXPR_CLASSOF(KernelRef)
  KernelRef(Type t, uint32_t k, unsigned o = 0)
      : Expr(ExprKind::KernelRef, std::move(t)), kernel(k), order(o) {}
  uint32_t kernel;
  unsigned order;
};

enum class UnaryOp { Neg, Not, BitNot };

struct Unary : Expr {
  NSC_IR_EXPR_CLASSOF(Unary)
  Unary(Type t, UnaryOp o, ExprPtr x)
      : Expr(ExprKind::Unary, std::move(t)), op(o), operand(std::move(x)) {}
  UnaryOp op;
  ExprPtr operand;
};

enum class BinaryOp {
  Add, Sub, Mul, Div, Mod, Pow, Shl, Shr, BitAnd, BitOr, BitXor,
  Lt, Le, Gt, Ge, Eq, Ne, And, Or,
};

struct Binary : Expr {
  NSC_IR_EXPR_CLASSOF(Binary)
  Binary(Type t, BinaryOp o, ExprPtr l, ExprPtr r)
      : Expr(ExprKind::Binary, std::move(t)), op(o), lhs(std::move(l)), rhs(std::move(r)) {}
  BinaryOp op;
  ExprPtr lhs, rhs;
};

/// `cond ? a : b`; only the chosen arm is evaluated.
struct Select : Expr {
  NSC_IR_EXPR_CLASSOF(Select)
  Select(Type t, ExprPtr c, ExprPtr a, ExprPtr b)
      : Expr(ExprKind::Select, std::move(t)), cond(std::move(c)),
        thenExpr(std::move(a)), elseExpr(std::move(b)) {}
  ExprPtr cond, thenExpr, elseExpr;
};

/// Built-in functions. Random draws come from the counter-based generator
/// (see docs/semantics.md); in network initialisers the same builtins
/// describe per-neuron distributions.
enum class Builtin {
  Exp, Expm1, Ln, Log10, Sin, Cos, Tan, Sinh, Cosh, Tanh, Erf, Erfc, Sqrt,
  Abs, Min, Max, Clip, Floor, Ceil, Round,
  Steps,       // steps(t): round(t / dt), integer
  Resolution,  // resolution() / timestep(): dt in ms
  Time,        // `t`: the time at the start of the step, in ms
  RandomNormal, RandomUniform, RandomPoisson, RandomLognormal, RandomExponential,
  Convolve,    // convolve(KernelRef, PortRef)
  Delta,       // delta(t) in kernels
  Print, Println, Info, Warning,
  User,        // Call::function names a Model::functions entry
};

struct Call : Expr {
  NSC_IR_EXPR_CLASSOF(Call)
  Call(Type t, Builtin b) : Expr(ExprKind::Call, std::move(t)), builtin(b) {}
  Builtin builtin;
  uint32_t function = 0; // Builtin::User only: index into Model::functions
  std::vector<ExprPtr> args;
};

/// value * factor, same dimension, from operand's unit to this node's unit:
/// `V -> mV` has factor 1000. factor == conversionFactor(operand unit, unit)
/// (Builder.h): powers of ten are exact.
struct UnitConvert : Expr {
  NSC_IR_EXPR_CLASSOF(UnitConvert)
  UnitConvert(Type t, ExprPtr x, double f)
      : Expr(ExprKind::UnitConvert, std::move(t)), operand(std::move(x)), factor(f) {}
  ExprPtr operand;
  double factor;
};

enum class CastKind {
  IntToReal,       // integer -> real, same unit
  RealToInt,       // real -> integer, truncation toward zero, same unit
  PrecisionCast,   // real -> real in another precision (same unit)
  ReinterpretUnit, // the number is kept and read in another unit: a
                   // dimensionless value assigned to a physical quantity
                   // (sema warns about it) or the reverse. No runtime effect.
};

struct Cast : Expr {
  NSC_IR_EXPR_CLASSOF(Cast)
  Cast(Type t, CastKind k, ExprPtr x)
      : Expr(ExprKind::Cast, std::move(t)), castKind(k), operand(std::move(x)) {}
  CastKind castKind;
  ExprPtr operand;
};

/// `[1 ms, 5 ms]` in network parameters (spike times); type is the element type.
struct List : Expr {
  NSC_IR_EXPR_CLASSOF(List)
  explicit List(Type elementType) : Expr(ExprKind::List, std::move(elementType)) {}
  std::vector<ExprPtr> elements;
};

#undef NSC_IR_EXPR_CLASSOF

/// Source-like spellings used by the printer and the JSON dump.
const char *unaryOpName(UnaryOp op);   // "-", "not", "~"
const char *binaryOpName(BinaryOp op); // "+", "<=", "and", ...
const char *builtinName(Builtin b);    // "exp", "random_normal", "t", ...
const char *castKindName(CastKind k);  // "int_to_real", ...
bool isComparison(BinaryOp op);
bool isLogical(BinaryOp op);
bool isBitwise(BinaryOp op);           // & | ^ << >>

/// Value of an expression made only of constants, unary minus, + - * /,
/// unit conversions and casts; false when it depends on anything else.
bool evaluateConstant(const Expr &e, double &value);

} // namespace nsc::ir
