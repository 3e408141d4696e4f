//===- ExprCodegen.cpp - LLVM IR for IR expressions -----------------------===//
//
// Each case mirrors ModelExecutor::eval / call (backends/interp) operation
// for operation: the same evaluation order, the same double arithmetic with
// float32 rounding where the result type says so, the same integer rules.
// Where the interpreter reads its Value union as another kind than it wrote,
// reinterpret() reads the same bits.
//
//===----------------------------------------------------------------------===//
#include "CodegenContext.h"

#include "llvm/IR/Intrinsics.h"

#include <cmath>
#include <limits>

using namespace llvm;

namespace nsc::cpu::detail {

using ir::BinaryOp;
using ir::Builtin;
using ir::TypeKind;

namespace {
/// 2^63: doubles of smaller magnitude convert to int64 without overflow.
constexpr double kTwo63 = 9223372036854775808.0;
/// The interpreter's bound for a real -> integer cast (ModelExecutor::eval).
constexpr double kRealToIntLimit = 9.2e18;

/// nsc's vector math (runtime/include/nsc/runtime/VectorMath.h): the
/// interpreter's functions, inlined and vectorised (VectorMathLink.cpp).
const char *vectorMathName(Builtin b) {
  switch (b) {
  case Builtin::Exp: return "nsc_vm_exp";
  case Builtin::Expm1: return "nsc_vm_expm1";
  case Builtin::Ln: return "nsc_vm_log";
  case Builtin::Sin: return "nsc_vm_sin";
  case Builtin::Cos: return "nsc_vm_cos";
  case Builtin::Tanh: return "nsc_vm_tanh";
  default: return nullptr;
  }
}

const char *libmName(Builtin b) {
  switch (b) {
  case Builtin::Log10: return "log10";
  case Builtin::Tan: return "tan";
  case Builtin::Sinh: return "sinh";
  case Builtin::Cosh: return "cosh";
  case Builtin::Erf: return "erf";
  case Builtin::Erfc: return "erfc";
  case Builtin::Round: return "round";
  default: return nullptr;
  }
}
} // namespace

Value *BodyEmitter::fail(const std::string &message, TypeKind k) {
  mc.fail(message);
  return UndefValue::get(mc.valueType(k));
}

Value *BodyEmitter::round(Value *v, const ir::Type &t) {
  if (t.kind != TypeKind::Real)
    return v;
  switch (t.precision.kind) {
  case ir::Precision::F64: return v;
  case ir::Precision::F32: return b.CreateFPExt(b.CreateFPTrunc(v, b.getFloatTy()), mc.f64());
  case ir::Precision::Fixed: // the raw integer's bits (FixedCodegen.cpp)
    return b.CreateBitCast(fixedFromDouble(v, t.precision, /*constant=*/false), mc.f64());
  }
  return v;
}

Value *BodyEmitter::reinterpret(Value *v, TypeKind from, TypeKind to) {
  if (from == to)
    return v;
  Value *bits = nullptr;
  switch (from) {
  case TypeKind::Real: bits = b.CreateBitCast(v, mc.i64()); break;
  case TypeKind::Int: bits = v; break;
  case TypeKind::Bool: bits = b.CreateZExt(v, mc.i64()); break;
  default: return fail("a value of no numeric kind cannot be compiled", to);
  }
  switch (to) {
  case TypeKind::Real: return b.CreateBitCast(bits, mc.f64());
  case TypeKind::Int: return bits;
  case TypeKind::Bool: // Value::b is the low byte
    return b.CreateICmpNE(b.CreateTrunc(bits, b.getInt8Ty()), b.getInt8(0));
  default: return fail("a value of no numeric kind cannot be compiled", to);
  }
}

Value *BodyEmitter::doubleToInt(Value *x) {
  Value *fits = b.CreateFCmpOLT(b.CreateUnaryIntrinsic(Intrinsic::fabs, x),
                                ConstantFP::get(mc.f64(), kTwo63));
  return b.CreateSelect(fits, b.CreateFPToSI(x, mc.i64()),
                        b.getInt64(uint64_t(std::numeric_limits<int64_t>::min())));
}

Value *BodyEmitter::elementIndex(const ir::Expr *index, uint32_t size) {
  if (!index)
    return b.getInt64(0);
  if (size == 0)
    return fail("an index on a scalar cannot be compiled", TypeKind::Int);
  Value *rt64 = b.getInt64(size);
  if (auto *k = ir::dyn_cast<ir::Constant>(index); k && index->type.kind == TypeKind::Int) {
    int64_t i = k->integer;
    if (i >= 0 && uint64_t(i) < size)
      return b.getInt64(uint64_t(i));
    b.CreateCall(mc.runtime("nsc_rt_warn_index"), {rt, b.getInt64(uint64_t(i)), rt64});
    return b.getInt64(i < 0 ? 0 : size - 1);
  }
  Value *i = reinterpret(expr(*index), index->type.kind, TypeKind::Int);
  BasicBlock *warn = newBlock("index.warn"), *cont = newBlock("index.ok");
  b.CreateCondBr(b.CreateICmpUGE(i, rt64), warn, cont);
  b.SetInsertPoint(warn);
  b.CreateCall(mc.runtime("nsc_rt_warn_index"), {rt, i, rt64});
  b.CreateBr(cont);
  b.SetInsertPoint(cont);
  Value *high = b.CreateSelect(b.CreateICmpSGE(i, rt64), b.getInt64(size - 1), i);
  return b.CreateSelect(b.CreateICmpSLT(i, b.getInt64(0)), b.getInt64(0), high);
}

Value *BodyEmitter::varCellAt(ir::VarId v, Value *element) {
  const ir::Variable &var = mc.model.variables[v];
  Value *p = varPtr[v];
  if (!p) {
    mc.fail("internal error: variable '" + var.name + "' has no storage in generated code");
    return UndefValue::get(mc.ptr());
  }
  if (!var.vectorSize)
    return p;
  Type *arr = ArrayType::get(mc.cellType(var.type.kind), var.vectorSize);
  return b.CreateInBoundsGEP(arr, p, {b.getInt64(0), element});
}

Value *BodyEmitter::varCell(ir::VarId v, const ir::Expr *index) {
  const ir::Variable &var = mc.model.variables[v];
  if (index && !var.vectorSize) {
    mc.fail("an index on the scalar variable '" + var.name + "' cannot be compiled");
    return UndefValue::get(mc.ptr());
  }
  return varCellAt(v, elementIndex(index, var.vectorSize));
}

Value *BodyEmitter::loadCell(Value *cell, TypeKind k) {
  if (k == TypeKind::Bool)
    return b.CreateICmpNE(b.CreateLoad(mc.i64(), cell), b.getInt64(0));
  return b.CreateLoad(mc.cellType(k), cell);
}

void BodyEmitter::storeCell(Value *cell, Value *v, TypeKind k) {
  if (k == TypeKind::Bool)
    v = b.CreateZExt(v, mc.i64());
  b.CreateStore(v, cell);
}

Value *BodyEmitter::realValue(const ir::Expr &e) {
  if (isFixed(e.type))
    return fixedToDouble(fixedExpr(e), e.type.precision);
  Value *v = expr(e);
  switch (e.type.kind) {
  case TypeKind::Int: return b.CreateSIToFP(v, mc.f64());
  case TypeKind::Bool: return b.CreateUIToFP(v, mc.f64());
  case TypeKind::Real: return v;
  default: return fail("a non-numeric value used as a number cannot be compiled", TypeKind::Real);
  }
}

Value *BodyEmitter::valueAs(const ir::Expr &e, const ir::Type &to) {
  if (isFixed(to))
    return b.CreateBitCast(fixedOperand(e, to.precision), mc.f64());
  if (to.kind == TypeKind::Real && isFixed(e.type))
    return round(realValue(e), to);
  Value *v = expr(e);
  if (to.kind != TypeKind::Real)
    return reinterpret(v, e.type.kind, to.kind);
  Value *x = e.type.kind == TypeKind::Int ? b.CreateSIToFP(v, mc.f64())
                                          : reinterpret(v, e.type.kind, TypeKind::Real);
  return round(x, to);
}

Value *BodyEmitter::condition(const ir::Expr &e) {
  return reinterpret(expr(e), e.type.kind, TypeKind::Bool);
}

bool BodyEmitter::speculatable(const ir::Expr &e) const {
  auto indexOk = [](const ir::Expr *index, uint32_t size) {
    if (!index)
      return true;
    auto *k = ir::dyn_cast<ir::Constant>(index);
    return k && index->type.kind == TypeKind::Int && k->integer >= 0 && uint64_t(k->integer) < size;
  };
  switch (e.kind) {
  case ir::ExprKind::Constant: return e.type.kind != TypeKind::String;
  case ir::ExprKind::VarRef: {
    auto &r = *ir::cast<ir::VarRef>(&e);
    return indexOk(r.index.get(), mc.model.variables[r.var].vectorSize);
  }
  case ir::ExprKind::PortRef: {
    auto &p = *ir::cast<ir::PortRef>(&e);
    return indexOk(p.index.get(), mc.model.ports[p.port].vectorSize);
  }
  case ir::ExprKind::Unary: return speculatable(*ir::cast<ir::Unary>(&e)->operand);
  case ir::ExprKind::Binary: {
    auto &bin = *ir::cast<ir::Binary>(&e);
    bool ints = e.type.kind == TypeKind::Int;
    if (ints && (bin.op == BinaryOp::Div || bin.op == BinaryOp::Pow))
      return false; // a warning; a loop
    if (!ints && (bin.op == BinaryOp::Mod || bin.op == BinaryOp::Pow))
      return false; // library calls
    return speculatable(*bin.lhs) && speculatable(*bin.rhs);
  }
  case ir::ExprKind::Select: {
    auto &s = *ir::cast<ir::Select>(&e);
    return speculatable(*s.cond) && speculatable(*s.thenExpr) && speculatable(*s.elseExpr);
  }
  case ir::ExprKind::Call: {
    auto &c = *ir::cast<ir::Call>(&e);
    switch (c.builtin) {
    case Builtin::Abs:
    case Builtin::Min:
    case Builtin::Max:
    case Builtin::Clip:
    case Builtin::Floor:
    case Builtin::Ceil:
    case Builtin::Sqrt:
    case Builtin::Resolution:
    case Builtin::Time:
      break;
    default: return false;
    }
    for (const ir::ExprPtr &a : c.args)
      if (!speculatable(*a))
        return false;
    return true;
  }
  case ir::ExprKind::UnitConvert: return speculatable(*ir::cast<ir::UnitConvert>(&e)->operand);
  case ir::ExprKind::Cast: return speculatable(*ir::cast<ir::Cast>(&e)->operand);
  default: return false;
  }
}

Value *BodyEmitter::expr(const ir::Expr &e) {
  if (isFixed(e.type)) // fixed point travels as the raw integer's bits
    return b.CreateBitCast(fixedExpr(e), mc.f64());
  TypeKind kind = e.type.kind;
  switch (e.kind) {
  case ir::ExprKind::Constant: {
    auto &c = *ir::cast<ir::Constant>(&e);
    switch (kind) {
    case TypeKind::Real:
      if (e.type.precision.kind == ir::Precision::F32)
        return ConstantFP::get(mc.f64(), double(float(c.real)));
      if (e.type.precision.kind == ir::Precision::Fixed)
        return round(ConstantFP::get(mc.f64(), c.real), e.type);
      return ConstantFP::get(mc.f64(), c.real);
    case TypeKind::Int: return b.getInt64(uint64_t(c.integer));
    case TypeKind::Bool: return b.getInt1(c.boolean);
    default: return fail("a string outside print/println/info/warning cannot be compiled", TypeKind::Int);
    }
  }
  case ir::ExprKind::VarRef: {
    auto &r = *ir::cast<ir::VarRef>(&e);
    const ir::Variable &var = mc.model.variables[r.var];
    Value *v = loadCell(varCell(r.var, r.index.get()), var.type.kind);
    return reinterpret(v, var.type.kind, kind);
  }
  case ir::ExprKind::PortRef: {
    auto &p = *ir::cast<ir::PortRef>(&e);
    const ir::Port &port = mc.model.ports[p.port];
    Value *el = elementIndex(p.index.get(), port.vectorSize);
    Value *cell = portPtr[p.port];
    if (!cell)
      return fail("internal error: port '" + port.name + "' has no storage in generated code", kind);
    if (port.vectorSize)
      cell = b.CreateInBoundsGEP(ArrayType::get(mc.f64(), port.vectorSize), cell, {b.getInt64(0), el});
    Value *v = round(b.CreateLoad(mc.f64(), cell), e.type);
    return reinterpret(v, TypeKind::Real, kind);
  }
  case ir::ExprKind::Unary: {
    auto &u = *ir::cast<ir::Unary>(&e);
    Value *x = expr(*u.operand);
    TypeKind xk = u.operand->type.kind;
    switch (u.op) {
    case ir::UnaryOp::Neg:
      if (kind == TypeKind::Int)
        return b.CreateSub(b.getInt64(0), reinterpret(x, xk, TypeKind::Int));
      return reinterpret(b.CreateFNeg(reinterpret(x, xk, TypeKind::Real)), TypeKind::Real, kind);
    case ir::UnaryOp::Not:
      return reinterpret(b.CreateNot(reinterpret(x, xk, TypeKind::Bool)), TypeKind::Bool, kind);
    case ir::UnaryOp::BitNot:
      return reinterpret(b.CreateNot(reinterpret(x, xk, TypeKind::Int)), TypeKind::Int, kind);
    }
    return fail("unknown unary operator", kind);
  }
  case ir::ExprKind::Binary: return binary(*ir::cast<ir::Binary>(&e));
  case ir::ExprKind::Select: return select(*ir::cast<ir::Select>(&e));
  case ir::ExprKind::Call: {
    auto &c = *ir::cast<ir::Call>(&e);
    return c.builtin == Builtin::User ? callUser(c) : callBuiltin(c);
  }
  case ir::ExprKind::UnitConvert: {
    auto &c = *ir::cast<ir::UnitConvert>(&e);
    if (kind == TypeKind::Int) {
      Value *i = reinterpret(expr(*c.operand), c.operand->type.kind, TypeKind::Int);
      Value *x = b.CreateFMul(b.CreateSIToFP(i, mc.f64()), ConstantFP::get(mc.f64(), c.factor));
      return doubleToInt(x);
    }
    Value *x = b.CreateFMul(realValue(*c.operand), ConstantFP::get(mc.f64(), c.factor));
    return reinterpret(round(x, e.type), TypeKind::Real, kind);
  }
  case ir::ExprKind::Cast: return cast(*ir::cast<ir::Cast>(&e));
  case ir::ExprKind::Derivative:
    return fail("a derivative used as a value cannot be compiled: run the default pass pipeline first", kind);
  case ir::ExprKind::InlineRef:
    return fail("an inline expression reference cannot be compiled: run the default pass pipeline first", kind);
  case ir::ExprKind::KernelRef:
    return fail("a kernel reference cannot be compiled: run the default pass pipeline first", kind);
  case ir::ExprKind::List: return fail("a list cannot be compiled inside a model", kind);
  }
  return fail("unknown expression", kind);
}

Value *BodyEmitter::binary(const ir::Binary &e) {
  if (e.op == BinaryOp::And || e.op == BinaryOp::Or)
    return reinterpret(shortCircuit(e), TypeKind::Bool, e.type.kind);
  TypeKind lk = e.lhs->type.kind, rk = e.rhs->type.kind;
  if (Value *c = ir::isComparison(e.op) ? fixedCompare(e) : nullptr)
    return reinterpret(c, TypeKind::Bool, e.type.kind);
  if (ir::isComparison(e.op)) {
    Value *out;
    if (lk == TypeKind::Bool) {
      Value *l = condition(*e.lhs);
      Value *r = reinterpret(expr(*e.rhs), rk, TypeKind::Bool);
      out = e.op == BinaryOp::Eq ? b.CreateICmpEQ(l, r) : b.CreateICmpNE(l, r);
    } else if (lk == TypeKind::Int && rk == TypeKind::Int) {
      Value *l = expr(*e.lhs);
      Value *r = expr(*e.rhs);
      CmpInst::Predicate p = e.op == BinaryOp::Lt   ? CmpInst::ICMP_SLT
                             : e.op == BinaryOp::Le ? CmpInst::ICMP_SLE
                             : e.op == BinaryOp::Gt ? CmpInst::ICMP_SGT
                             : e.op == BinaryOp::Ge ? CmpInst::ICMP_SGE
                             : e.op == BinaryOp::Eq ? CmpInst::ICMP_EQ
                                                    : CmpInst::ICMP_NE;
      out = b.CreateICmp(p, l, r);
    } else {
      Value *l = realValue(*e.lhs);
      Value *r = realValue(*e.rhs);
      // `l != r` is true for NaN: unordered-or-not-equal; the rest ordered.
      CmpInst::Predicate p = e.op == BinaryOp::Lt   ? CmpInst::FCMP_OLT
                             : e.op == BinaryOp::Le ? CmpInst::FCMP_OLE
                             : e.op == BinaryOp::Gt ? CmpInst::FCMP_OGT
                             : e.op == BinaryOp::Ge ? CmpInst::FCMP_OGE
                             : e.op == BinaryOp::Eq ? CmpInst::FCMP_OEQ
                                                    : CmpInst::FCMP_UNE;
      out = b.CreateFCmp(p, l, r);
    }
    return reinterpret(out, TypeKind::Bool, e.type.kind);
  }
  if (e.type.kind == TypeKind::Int) {
    Value *l = reinterpret(expr(*e.lhs), lk, TypeKind::Int);
    Value *r = reinterpret(expr(*e.rhs), rk, TypeKind::Int);
    return integerBinary(e.op, l, r);
  }
  Value *l = realValue(*e.lhs);
  Value *r = realValue(*e.rhs);
  Value *v;
  switch (e.op) {
  case BinaryOp::Add: v = b.CreateFAdd(l, r); break;
  case BinaryOp::Sub: v = b.CreateFSub(l, r); break;
  case BinaryOp::Mul: v = b.CreateFMul(l, r); break;
  case BinaryOp::Div: v = b.CreateFDiv(l, r); break;
  case BinaryOp::Mod: v = callLibm("fmod", {l, r}); break;
  case BinaryOp::Pow: v = callVectorMath("nsc_vm_pow", {l, r}); break;
  default: v = ConstantFP::get(mc.f64(), 0.0); break; // as the interpreter
  }
  return reinterpret(round(v, e.type), TypeKind::Real, e.type.kind);
}

Value *BodyEmitter::integerBinary(BinaryOp op, Value *l, Value *r) {
  Value *zero = b.getInt64(0);
  Value *minusOne = b.getInt64(uint64_t(-1));
  Value *int64Min = b.getInt64(uint64_t(std::numeric_limits<int64_t>::min()));
  switch (op) {
  case BinaryOp::Add: return b.CreateAdd(l, r);
  case BinaryOp::Sub: return b.CreateSub(l, r);
  case BinaryOp::Mul: return b.CreateMul(l, r);
  case BinaryOp::Div: {
    Value *isZero = b.CreateICmpEQ(r, zero);
    BasicBlock *warn = newBlock("div.zero"), *cont = newBlock("div.ok");
    b.CreateCondBr(isZero, warn, cont);
    b.SetInsertPoint(warn);
    b.CreateCall(mc.runtime("nsc_rt_warn_int_div_zero"), {rt});
    b.CreateBr(cont);
    b.SetInsertPoint(cont);
    // INT64_MIN / -1 is INT64_MIN; dividing by 1 gives exactly that.
    Value *overflow = b.CreateAnd(b.CreateICmpEQ(l, int64Min), b.CreateICmpEQ(r, minusOne));
    Value *safe = b.CreateSelect(b.CreateOr(isZero, overflow), b.getInt64(1), r);
    return b.CreateSelect(isZero, zero, b.CreateSDiv(l, safe));
  }
  case BinaryOp::Mod: {
    Value *bad = b.CreateOr(b.CreateICmpEQ(r, zero),
                            b.CreateAnd(b.CreateICmpEQ(l, int64Min), b.CreateICmpEQ(r, minusOne)));
    // x % 1 == 0, the interpreter's result for both cases.
    return b.CreateSRem(l, b.CreateSelect(bad, b.getInt64(1), r));
  }
  case BinaryOp::Pow: return b.CreateCall(mc.integerPow(), {l, r});
  case BinaryOp::Shl: {
    Value *out = b.CreateShl(l, b.CreateAnd(r, b.getInt64(63)));
    return b.CreateSelect(b.CreateICmpUGT(r, b.getInt64(63)), zero, out);
  }
  case BinaryOp::Shr: {
    Value *out = b.CreateAShr(l, b.CreateAnd(r, b.getInt64(63)));
    return b.CreateSelect(b.CreateICmpUGT(r, b.getInt64(63)), b.CreateAShr(l, b.getInt64(63)), out);
  }
  case BinaryOp::BitAnd: return b.CreateAnd(l, r);
  case BinaryOp::BitOr: return b.CreateOr(l, r);
  case BinaryOp::BitXor: return b.CreateXor(l, r);
  default: return zero; // as the interpreter
  }
}

Value *BodyEmitter::shortCircuit(const ir::Binary &e) {
  bool isAnd = e.op == BinaryOp::And;
  Value *l = condition(*e.lhs);
  if (speculatable(*e.rhs)) {
    Value *r = condition(*e.rhs);
    return isAnd ? b.CreateSelect(l, r, b.getFalse()) : b.CreateSelect(l, b.getTrue(), r);
  }
  BasicBlock *from = b.GetInsertBlock();
  BasicBlock *rhs = newBlock(isAnd ? "and.rhs" : "or.rhs"), *end = newBlock("logic.end");
  if (isAnd)
    b.CreateCondBr(l, rhs, end);
  else
    b.CreateCondBr(l, end, rhs);
  b.SetInsertPoint(rhs);
  Value *r = condition(*e.rhs);
  BasicBlock *rhsEnd = b.GetInsertBlock();
  b.CreateBr(end);
  b.SetInsertPoint(end);
  PHINode *phi = b.CreatePHI(mc.i1(), 2);
  phi->addIncoming(b.getInt1(!isAnd), from);
  phi->addIncoming(r, rhsEnd);
  return phi;
}

Value *BodyEmitter::select(const ir::Select &e) {
  TypeKind k = e.type.kind;
  Value *c = condition(*e.cond);
  if (speculatable(*e.thenExpr) && speculatable(*e.elseExpr)) {
    Value *t = reinterpret(expr(*e.thenExpr), e.thenExpr->type.kind, k);
    Value *f = reinterpret(expr(*e.elseExpr), e.elseExpr->type.kind, k);
    return b.CreateSelect(c, t, f);
  }
  BasicBlock *thenB = newBlock("sel.then"), *elseB = newBlock("sel.else"), *end = newBlock("sel.end");
  b.CreateCondBr(c, thenB, elseB);
  b.SetInsertPoint(thenB);
  Value *t = reinterpret(expr(*e.thenExpr), e.thenExpr->type.kind, k);
  BasicBlock *thenEnd = b.GetInsertBlock();
  b.CreateBr(end);
  b.SetInsertPoint(elseB);
  Value *f = reinterpret(expr(*e.elseExpr), e.elseExpr->type.kind, k);
  BasicBlock *elseEnd = b.GetInsertBlock();
  b.CreateBr(end);
  b.SetInsertPoint(end);
  PHINode *phi = b.CreatePHI(mc.valueType(k), 2);
  phi->addIncoming(t, thenEnd);
  phi->addIncoming(f, elseEnd);
  return phi;
}

Value *BodyEmitter::cast(const ir::Cast &e) {
  TypeKind k = e.type.kind, ok = e.operand->type.kind;
  switch (e.castKind) {
  case ir::CastKind::IntToReal: {
    Value *i = reinterpret(expr(*e.operand), ok, TypeKind::Int);
    return reinterpret(round(b.CreateSIToFP(i, mc.f64()), e.type), TypeKind::Real, k);
  }
  case ir::CastKind::RealToInt: {
    if (isFixed(e.operand->type)) { // R30: truncation toward zero
      const ir::Precision &p = e.operand->type.precision;
      int64_t packed = p.intBits | p.fracBits << 8 | int(p.rounding) << 16 | int(p.overflow) << 24;
      Value *i = b.CreateCall(mc.runtime("nsc_rt_fx_unary"),
                              {b.getInt32(4), fixedExpr(*e.operand), b.getInt64(packed), b.getInt64(packed)});
      return reinterpret(i, TypeKind::Int, k);
    }
    Value *x = realValue(*e.operand);
    Value *fits = b.CreateFCmpOLT(b.CreateUnaryIntrinsic(Intrinsic::fabs, x),
                                  ConstantFP::get(mc.f64(), kRealToIntLimit));
    Value *i = b.CreateSelect(fits, b.CreateFPToSI(x, mc.i64()), b.getInt64(0));
    return reinterpret(i, TypeKind::Int, k);
  }
  case ir::CastKind::PrecisionCast:
    return reinterpret(round(realValue(*e.operand), e.type), TypeKind::Real, k);
  case ir::CastKind::ReinterpretUnit: return reinterpret(expr(*e.operand), ok, k);
  }
  return fail("unknown cast", k);
}

Value *BodyEmitter::callLibm(const char *name, ArrayRef<Value *> args) {
  CallInst *call = b.CreateCall(mc.libm(name, unsigned(args.size())), args);
  // The C library's function, never LLVM's idea of it: no constant folding
  // with another implementation, no pow(x, 2) -> x*x, no vector variants.
  call->addFnAttr(Attribute::NoBuiltin);
  call->setMemoryEffects(MemoryEffects::none());
  call->setDoesNotThrow();
  call->addFnAttr(Attribute::WillReturn);
  return call;
}

Value *BodyEmitter::callVectorMath(const char *name, ArrayRef<Value *> args) {
  // A plain call: generateStepFunction links the definition in, internal
  // and always-inline; no nobuiltin, which would keep it from inlining.
  CallInst *call = b.CreateCall(mc.libm(name, unsigned(args.size())), args);
  call->setMemoryEffects(MemoryEffects::none());
  call->setDoesNotThrow();
  call->addFnAttr(Attribute::WillReturn);
  return call;
}

Value *BodyEmitter::callBuiltin(const ir::Call &c) {
  TypeKind k = c.type.kind;
  auto arg = [&](size_t i) -> Value * {
    if (i >= c.args.size())
      return fail(std::string(ir::builtinName(c.builtin)) + "() has too few arguments", TypeKind::Real);
    return realValue(*c.args[i]);
  };
  auto intArg = [&](size_t i) -> Value * {
    if (i >= c.args.size())
      return fail(std::string(ir::builtinName(c.builtin)) + "() has too few arguments", TypeKind::Int);
    return reinterpret(expr(*c.args[i]), c.args[i]->type.kind, TypeKind::Int);
  };
  Value *v = nullptr;
  switch (c.builtin) {
  case Builtin::Exp:
  case Builtin::Expm1:
  case Builtin::Ln:
  case Builtin::Sin:
  case Builtin::Cos:
  case Builtin::Tanh: v = callVectorMath(vectorMathName(c.builtin), {arg(0)}); break;
  case Builtin::Log10:
  case Builtin::Tan:
  case Builtin::Sinh:
  case Builtin::Cosh:
  case Builtin::Erf:
  case Builtin::Erfc:
  case Builtin::Round: v = callLibm(libmName(c.builtin), {arg(0)}); break;
  // Exact IEEE operations: the intrinsics give the library's bits.
  case Builtin::Sqrt: v = b.CreateUnaryIntrinsic(Intrinsic::sqrt, arg(0)); break;
  case Builtin::Floor: v = b.CreateUnaryIntrinsic(Intrinsic::floor, arg(0)); break;
  case Builtin::Ceil: v = b.CreateUnaryIntrinsic(Intrinsic::ceil, arg(0)); break;
  case Builtin::Abs:
    if (k == TypeKind::Int) {
      Value *x = intArg(0);
      return b.CreateSelect(b.CreateICmpSLT(x, b.getInt64(0)), b.CreateSub(b.getInt64(0), x), x);
    }
    v = b.CreateUnaryIntrinsic(Intrinsic::fabs, arg(0));
    break;
  case Builtin::Min:
  case Builtin::Max: {
    bool isMin = c.builtin == Builtin::Min;
    if (k == TypeKind::Int) {
      Value *x = intArg(0);
      Value *y = intArg(1);
      // std::min(a, b) = b < a ? b : a; std::max(a, b) = a < b ? b : a.
      return isMin ? b.CreateSelect(b.CreateICmpSLT(y, x), y, x)
                   : b.CreateSelect(b.CreateICmpSLT(x, y), y, x);
    }
    Value *x = arg(0);
    Value *y = arg(1);
    Value *pick = isMin ? b.CreateSelect(b.CreateFCmpOLT(y, x), y, x)
                        : b.CreateSelect(b.CreateFCmpOGT(y, x), y, x);
    // NaN-propagating like the interpreter (its NAN is the default quiet NaN).
    v = b.CreateSelect(b.CreateFCmpUNO(x, y), ConstantFP::get(mc.f64(), double(NAN)), pick);
    break;
  }
  case Builtin::Clip: {
    if (k == TypeKind::Int) {
      Value *x = intArg(0);
      Value *lo = intArg(1);
      Value *hi = intArg(2);
      return b.CreateSelect(b.CreateICmpSLT(x, lo), lo, b.CreateSelect(b.CreateICmpSGT(x, hi), hi, x));
    }
    Value *x = arg(0);
    Value *lo = arg(1);
    Value *hi = arg(2);
    v = b.CreateSelect(b.CreateFCmpOLT(x, lo), lo, b.CreateSelect(b.CreateFCmpOGT(x, hi), hi, x));
    break;
  }
  case Builtin::Steps: {
    Value *x = b.CreateFDiv(arg(0), ConstantFP::get(mc.f64(), mc.dtMs));
    CallInst *call = b.CreateCall(mc.llround(), {x});
    call->addFnAttr(Attribute::NoBuiltin);
    call->setMemoryEffects(MemoryEffects::none());
    call->setDoesNotThrow();
    return reinterpret(call, TypeKind::Int, k);
  }
  case Builtin::Resolution: v = ConstantFP::get(mc.f64(), mc.dtMs); break;
  case Builtin::Time: v = timeMs; break;
  case Builtin::RandomNormal:
  case Builtin::RandomUniform:
  case Builtin::RandomLognormal: {
    const char *fnName = c.builtin == Builtin::RandomNormal    ? "nsc_rt_rng_normal"
                         : c.builtin == Builtin::RandomUniform ? "nsc_rt_rng_uniform"
                                                               : "nsc_rt_rng_lognormal";
    Value *x = arg(0);
    Value *y = arg(1);
    v = b.CreateCall(mc.runtime(fnName), {rng, x, y});
    break;
  }
  case Builtin::RandomExponential: v = b.CreateCall(mc.runtime("nsc_rt_rng_exponential"), {rng, arg(0)}); break;
  case Builtin::RandomPoisson:
    return reinterpret(b.CreateCall(mc.runtime("nsc_rt_rng_poisson"), {rng, arg(0)}), TypeKind::Int, k);
  case Builtin::Print:
  case Builtin::Println:
  case Builtin::Info:
  case Builtin::Warning: return message(c);
  case Builtin::Convolve:
    return fail("convolve() cannot be compiled: run the default pass pipeline (lower-kernels) first", k);
  case Builtin::Delta: return fail("delta() cannot be compiled outside a kernel", k);
  case Builtin::User: return callUser(c);
  }
  if (!v)
    return fail(std::string(ir::builtinName(c.builtin)) + "() cannot be compiled", k);
  return reinterpret(round(v, c.type), TypeKind::Real, k);
}

Value *BodyEmitter::message(const ir::Call &c) {
  b.CreateCall(mc.runtime("nsc_rt_msg_begin"), {rt});
  for (const ir::ExprPtr &a : c.args) {
    TypeKind ak = a->type.kind;
    if (ak == TypeKind::String) {
      auto *k = ir::dyn_cast<ir::Constant>(a.get());
      if (!k) {
        fail("a string that is not a literal cannot be compiled", TypeKind::Int);
        continue;
      }
      b.CreateCall(mc.runtime("nsc_rt_msg_str"), {rt, mc.string(k->str)});
    } else if (ak == TypeKind::Int) {
      b.CreateCall(mc.runtime("nsc_rt_msg_int"), {rt, expr(*a)});
    } else if (ak == TypeKind::Bool) {
      b.CreateCall(mc.runtime("nsc_rt_msg_bool"), {rt, b.CreateZExt(expr(*a), mc.i64())});
    } else {
      b.CreateCall(mc.runtime("nsc_rt_msg_real"), {rt, realValue(*a)});
    }
  }
  uint32_t kind = c.builtin == Builtin::Print     ? 0
                  : c.builtin == Builtin::Println ? 1
                  : c.builtin == Builtin::Info    ? 2
                                                  : 3;
  b.CreateCall(mc.runtime("nsc_rt_msg_end"), {rt, b.getInt32(kind)});
  return UndefValue::get(mc.valueType(c.type.kind));
}

Value *BodyEmitter::callUser(const ir::Call &c) {
  TypeKind k = c.type.kind;
  if (c.function >= mc.model.functions.size() || !mc.functions[c.function].fn)
    return fail("internal error: a call to an unknown function", k);
  const ir::Function &f = mc.model.functions[c.function];
  const UserFunction &uf = mc.functions[c.function];
  if (c.args.size() != f.params.size())
    return fail("function '" + f.name + "' called with " + std::to_string(c.args.size()) +
                    " arguments for " + std::to_string(f.params.size()) + " parameters",
                k);
  // ModelExecutor::callFunction: the depth test comes before the arguments.
  auto *constDepth = dyn_cast<ConstantInt>(depth);
  if (!constDepth || constDepth->getZExtValue() > 256) {
    BasicBlock *deep = newBlock("call.toodeep"), *ok = newBlock("call.args");
    b.CreateCondBr(b.CreateICmpUGT(depth, b.getInt32(256)), deep, ok);
    b.SetInsertPoint(deep);
    b.CreateCall(mc.runtime("nsc_rt_fatal"), {rt, b.getInt32(3)});
    b.CreateBr(fatalBlock);
    b.SetInsertPoint(ok);
  }
  std::vector<Value *> args = {rt, rng, returned, spiked, timeMs, b.CreateAdd(depth, b.getInt32(1))};
  for (ir::VarId v : uf.vars)
    args.push_back(varPtr[v] ? varPtr[v] : fail("internal error: '" + mc.model.variables[v].name +
                                                    "' has no storage at a call of '" + f.name + "'",
                                                TypeKind::Int));
  for (uint32_t p : uf.ports)
    args.push_back(portPtr[p] ? portPtr[p]
                              : fail("internal error: port '" + mc.model.ports[p].name +
                                         "' has no storage at a call of '" + f.name + "'",
                                     TypeKind::Int));
  for (unsigned i = 0; i < args.size(); ++i)
    if (args[i]->getType() != uf.fn->getFunctionType()->getParamType(i))
      args[i] = UndefValue::get(uf.fn->getFunctionType()->getParamType(i)); // only after an error
  for (size_t i = 0; i < c.args.size(); ++i) {
    const ir::Type &pt = mc.model.variables[f.params[i]].type;
    TypeKind ak = c.args[i]->type.kind;
    Value *v = isFixed(pt) ? valueAs(*c.args[i], pt) : expr(*c.args[i]);
    if (isFixed(pt))
      ;
    else if (pt.kind == TypeKind::Real && ak == TypeKind::Int)
      v = b.CreateSIToFP(v, mc.f64());
    else
      v = reinterpret(v, ak, pt.kind);
    args.push_back(v);
  }
  Value *ok = b.CreateCall(uf.fn, args);
  BasicBlock *cont = newBlock("call.done");
  b.CreateCondBr(ok, cont, fatalBlock);
  b.SetInsertPoint(cont);
  if (f.returnType.kind == TypeKind::Void || k == TypeKind::Void)
    return UndefValue::get(mc.valueType(k));
  Value *bits = b.CreateLoad(mc.i64(), returned);
  return reinterpret(reinterpret(bits, TypeKind::Int, f.returnType.kind), f.returnType.kind, k);
}

} // namespace nsc::cpu::detail
