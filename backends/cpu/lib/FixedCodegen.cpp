//===- FixedCodegen.cpp - LLVM IR for fixed-point expressions -------------===//
//
// R28-R31 in LLVM IR, mirroring the interpreter's FixedEval.cpp case for
// case. A fixed-point value is its raw two's-complement integer in an i64
// (in cells and, bit-cast, wherever generic code passes reals as double).
// The hot operations are inline integer code: + − × and unary minus widen
// to i128, compute exactly, round (fixedFit: an arithmetic shift plus the
// rounding mode's correction) and apply the overflow mode (clamp, or
// truncate to m + n bits and sign-extend); comparisons align and compare
// exactly. Division, remainder, floor/ceil/round, abs, non-integral unit
// factors and float64 inputs call the support routines, which run
// nsc/ir/FixedPoint.h itself — so both paths are the interpreter's rules.
//
//===----------------------------------------------------------------------===//
#include "CodegenContext.h"

#include "nsc/ir/FixedPoint.h"

#include "llvm/IR/Intrinsics.h"

#include <cmath>

using namespace llvm;

namespace nsc::cpu::detail {

using ir::BinaryOp;
using ir::Builtin;
using ir::Precision;
using ir::TypeKind;
namespace fx = ir::fx;

namespace {
int64_t packed(const Precision &p) {
  return p.intBits | p.fracBits << 8 | int(p.rounding) << 16 | int(p.overflow) << 24;
}
} // namespace

bool BodyEmitter::isFixed(const ir::Type &t) {
  return t.kind == TypeKind::Real && t.precision.kind == Precision::Fixed;
}

Value *BodyEmitter::fixedFit(Value *v, int fromFrac, const Precision &p) {
  Type *i128 = b.getInt128Ty();
  int shift = fromFrac - p.fracBits;
  if (shift < 0) {
    v = b.CreateShl(v, ConstantInt::get(i128, -shift));
  } else if (shift > 0) {
    Value *q = b.CreateAShr(v, ConstantInt::get(i128, shift)); // floor
    if (p.rounding != ir::Rounding::Floor) {
      APInt maskBits = APInt::getLowBitsSet(128, shift);
      Value *rem = b.CreateAnd(v, ConstantInt::get(i128, maskBits));
      Value *inexact = b.CreateICmpNE(rem, ConstantInt::get(i128, 0));
      Value *up;
      if (p.rounding == ir::Rounding::TowardZero) {
        up = b.CreateAnd(inexact, b.CreateICmpSLT(v, ConstantInt::get(i128, 0)));
      } else { // nearest, ties to even
        Value *half = ConstantInt::get(i128, APInt::getOneBitSet(128, shift - 1));
        Value *odd = b.CreateICmpNE(b.CreateAnd(q, ConstantInt::get(i128, 1)), ConstantInt::get(i128, 0));
        up = b.CreateOr(b.CreateICmpUGT(rem, half), b.CreateAnd(b.CreateICmpEQ(rem, half), odd));
      }
      v = b.CreateAdd(q, b.CreateZExt(up, i128));
    } else {
      v = q;
    }
  }
  int w = p.intBits + p.fracBits;
  if (p.overflow == ir::Overflow::Saturate) {
    Value *hi = ConstantInt::get(i128, uint64_t(fx::maxRaw(p)), false);
    Value *lo = ConstantInt::getSigned(i128, fx::minRaw(p));
    v = b.CreateSelect(b.CreateICmpSGT(v, hi), hi, v);
    v = b.CreateSelect(b.CreateICmpSLT(v, lo), lo, v);
    return b.CreateTrunc(v, mc.i64());
  }
  return b.CreateSExt(b.CreateTrunc(v, b.getIntNTy(w)), mc.i64());
}

Value *BodyEmitter::fixedToDouble(Value *raw, const Precision &p) {
  // ldexp(double(raw), -n): the conversion rounds like C's, the scaling is exact.
  return b.CreateFMul(b.CreateSIToFP(raw, mc.f64()), ConstantFP::get(mc.f64(), std::ldexp(1.0, -p.fracBits)));
}

Value *BodyEmitter::fixedFromDouble(Value *x, const Precision &p, bool constant) {
  if (auto *c = dyn_cast<ConstantFP>(x); c && constant)
    return b.getInt64(uint64_t(fx::fromDouble(c->getValueAPF().convertToDouble(), p)));
  if (constant)
    return b.CreateCall(mc.runtime("nsc_rt_fx_from_double"), {x, b.getInt64(packed(p))});
  // fx::inputFromDouble inline for the common case (port sums, every neuron
  // and step): x·2^n (exact), nearest-even, then the overflow mode; NaN and
  // magnitudes from 9e18 on take the support routine.
  Value *scaled = b.CreateFMul(x, ConstantFP::get(mc.f64(), std::ldexp(1.0, p.fracBits)));
  Value *fits = b.CreateFCmpOLT(b.CreateUnaryIntrinsic(Intrinsic::fabs, scaled), ConstantFP::get(mc.f64(), 9.0e18));
  BasicBlock *fast = newBlock("fx.in.fast"), *slow = newBlock("fx.in.slow"), *join = newBlock("fx.in.end");
  b.CreateCondBr(fits, fast, slow);
  b.SetInsertPoint(fast);
  Value *r = b.CreateFPToSI(b.CreateUnaryIntrinsic(Intrinsic::roundeven, scaled), mc.i64());
  Value *fv = fixedFit(b.CreateSExt(r, b.getInt128Ty()), p.fracBits, p);
  BasicBlock *fastEnd = b.GetInsertBlock();
  b.CreateBr(join);
  b.SetInsertPoint(slow);
  Value *sv = b.CreateCall(mc.runtime("nsc_rt_fx_input"), {x, b.getInt64(packed(p))});
  b.CreateBr(join);
  b.SetInsertPoint(join);
  PHINode *phi = b.CreatePHI(mc.i64(), 2);
  phi->addIncoming(fv, fastEnd);
  phi->addIncoming(sv, slow);
  return phi;
}

Value *BodyEmitter::fixedOperand(const ir::Expr &e, const Precision &p) {
  if (isFixed(e.type)) {
    Value *raw = fixedExpr(e);
    if (e.type.precision == p)
      return raw;
    return fixedFit(b.CreateSExt(raw, b.getInt128Ty()), e.type.precision.fracBits, p);
  }
  if (e.type.kind == TypeKind::Int) // fx::fromInt: exact, then the overflow mode
    return fixedFit(b.CreateSExt(expr(e), b.getInt128Ty()), 0, p);
  return fixedFromDouble(realValue(e), p, /*constant=*/false);
}

Value *BodyEmitter::fixedCompare(const ir::Binary &e) {
  if (!isFixed(e.lhs->type) || !isFixed(e.rhs->type))
    return nullptr;
  int fl = e.lhs->type.precision.fracBits, fr = e.rhs->type.precision.fracBits, f = std::max(fl, fr);
  Type *i128 = b.getInt128Ty();
  Value *l = b.CreateShl(b.CreateSExt(fixedExpr(*e.lhs), i128), ConstantInt::get(i128, f - fl));
  Value *r = b.CreateShl(b.CreateSExt(fixedExpr(*e.rhs), i128), ConstantInt::get(i128, f - fr));
  switch (e.op) {
  case BinaryOp::Lt: return b.CreateICmpSLT(l, r);
  case BinaryOp::Le: return b.CreateICmpSLE(l, r);
  case BinaryOp::Gt: return b.CreateICmpSGT(l, r);
  case BinaryOp::Ge: return b.CreateICmpSGE(l, r);
  case BinaryOp::Eq: return b.CreateICmpEQ(l, r);
  default: return b.CreateICmpNE(l, r);
  }
}

Value *BodyEmitter::fixedExpr(const ir::Expr &e) {
  const Precision &P = e.type.precision;
  switch (e.kind) {
  case ir::ExprKind::Constant: // R31: nearest-even, saturating, at compile time
    return b.getInt64(uint64_t(fx::fromDouble(ir::cast<ir::Constant>(&e)->real, P)));
  case ir::ExprKind::VarRef: return fixedVarRef(*ir::cast<ir::VarRef>(&e), P);
  case ir::ExprKind::PortRef: return fixedPortRef(*ir::cast<ir::PortRef>(&e), P);
  case ir::ExprKind::Unary: {
    auto &u = *ir::cast<ir::Unary>(&e);
    return fixedFit(b.CreateNeg(fixedWide(*u.operand)), u.operand->type.precision.fracBits, P);
  }
  case ir::ExprKind::Binary: return fixedBinary(*ir::cast<ir::Binary>(&e), P);
  case ir::ExprKind::Select: return fixedSelect(*ir::cast<ir::Select>(&e), P);
  case ir::ExprKind::UnitConvert: return fixedUnitConvert(*ir::cast<ir::UnitConvert>(&e), P);
  case ir::ExprKind::Cast: {
    auto &c = *ir::cast<ir::Cast>(&e);
    if (c.castKind == ir::CastKind::RealToInt)
      break;
    return fixedOperand(*c.operand, P);
  }
  case ir::ExprKind::Call: return fixedCall(*ir::cast<ir::Call>(&e), P);
  default: break;
  }
  return fail("a fixed-point expression the cpu backend cannot compile", TypeKind::Int);
}

Value *BodyEmitter::fixedWide(const ir::Expr &e) { return b.CreateSExt(fixedExpr(e), b.getInt128Ty()); }

Value *BodyEmitter::fixedRescale(Value *raw, const Precision &from, const Precision &to) {
  return from == to ? raw : fixedFit(b.CreateSExt(raw, b.getInt128Ty()), from.fracBits, to);
}

Value *BodyEmitter::fixedVarRef(const ir::VarRef &r, const Precision &P) {
  const ir::Variable &var = mc.model.variables[r.var];
  Value *cell = varCell(r.var, r.index.get());
  if (isFixed(var.type))
    return fixedRescale(b.CreateLoad(mc.i64(), cell), var.type.precision, P);
  return fixedFromDouble(b.CreateLoad(mc.f64(), cell), P, false);
}

Value *BodyEmitter::fixedPortRef(const ir::PortRef &p, const Precision &P) {
  const ir::Port &port = mc.model.ports[p.port];
  Value *el = elementIndex(p.index.get(), port.vectorSize);
  Value *cell = portPtr[p.port];
  if (!cell)
    return fail("internal error: port '" + port.name + "' has no storage in generated code", TypeKind::Int);
  if (port.vectorSize)
    cell = b.CreateInBoundsGEP(ArrayType::get(mc.f64(), port.vectorSize), cell, {b.getInt64(0), el});
  return fixedFromDouble(b.CreateLoad(mc.f64(), cell), P, false);
}

Value *BodyEmitter::fixedBinary(const ir::Binary &bin, const Precision &P) {
  Type *i128 = b.getInt128Ty();
  const Precision &pl = bin.lhs->type.precision, &pr = bin.rhs->type.precision;
  switch (bin.op) {
  case BinaryOp::Add:
  case BinaryOp::Sub: {
    int f = std::max(pl.fracBits, pr.fracBits);
    Value *l = b.CreateShl(fixedWide(*bin.lhs), ConstantInt::get(i128, f - pl.fracBits));
    Value *r = b.CreateShl(fixedWide(*bin.rhs), ConstantInt::get(i128, f - pr.fracBits));
    return fixedFit(bin.op == BinaryOp::Add ? b.CreateAdd(l, r) : b.CreateSub(l, r), f, P);
  }
  case BinaryOp::Mul: {
    Value *l = fixedWide(*bin.lhs);
    Value *r = fixedWide(*bin.rhs);
    return fixedFit(b.CreateMul(l, r), pl.fracBits + pr.fracBits, P);
  }
  case BinaryOp::Div:
  case BinaryOp::Mod: {
    Value *l = fixedExpr(*bin.lhs);
    Value *r = fixedExpr(*bin.rhs);
    return b.CreateCall(mc.runtime("nsc_rt_fx_binary"),
                        {b.getInt32(bin.op == BinaryOp::Div ? 0 : 1), l, b.getInt64(packed(pl)), r,
                         b.getInt64(packed(pr)), b.getInt64(packed(P))});
  }
  case BinaryOp::Pow: return fixedPow(bin, P);
  default:
    return fail(std::string("operator '") + ir::binaryOpName(bin.op) + "' on fixed-point values cannot be compiled",
                TypeKind::Int);
  }
}

Value *BodyEmitter::fixedPow(const ir::Binary &bin, const Precision &P) {
  // The interpreter's fixedPow: repeated rounded products, left to right.
  Type *i128 = b.getInt128Ty();
  const Precision &pl = bin.lhs->type.precision;
  double k;
  if (!ir::evaluateConstant(*bin.rhs, k) || k != std::nearbyint(k) || std::fabs(k) > 64)
    return fail("'**' with a run-time exponent cannot be compiled in fixed point", TypeKind::Int);
  int64_t n = int64_t(std::fabs(k));
  Value *x = fixedExpr(*bin.lhs);
  Value *one = b.getInt64(uint64_t(fx::fromInt(1, P)));
  if (n == 0)
    return one;
  Value *acc = fixedRescale(x, pl, P);
  for (int64_t i = 1; i < n; ++i)
    acc = fixedFit(b.CreateMul(b.CreateSExt(acc, i128), b.CreateSExt(x, i128)), P.fracBits + pl.fracBits, P);
  if (k < 0)
    acc = b.CreateCall(mc.runtime("nsc_rt_fx_binary"), {b.getInt32(0), one, b.getInt64(packed(P)), acc,
                                                        b.getInt64(packed(P)), b.getInt64(packed(P))});
  return acc;
}

Value *BodyEmitter::fixedSelect(const ir::Select &s, const Precision &P) {
  // Only the chosen arm runs (it may draw random numbers or warn).
  Value *c = condition(*s.cond);
  BasicBlock *thenB = newBlock("fx.select.then"), *elseB = newBlock("fx.select.else"),
             *join = newBlock("fx.select.end");
  b.CreateCondBr(c, thenB, elseB);
  b.SetInsertPoint(thenB);
  Value *t = fixedOperand(*s.thenExpr, P);
  BasicBlock *thenEnd = b.GetInsertBlock();
  b.CreateBr(join);
  b.SetInsertPoint(elseB);
  Value *f = fixedOperand(*s.elseExpr, P);
  BasicBlock *elseEnd = b.GetInsertBlock();
  b.CreateBr(join);
  b.SetInsertPoint(join);
  PHINode *phi = b.CreatePHI(mc.i64(), 2);
  phi->addIncoming(t, thenEnd);
  phi->addIncoming(f, elseEnd);
  return phi;
}

Value *BodyEmitter::fixedUnitConvert(const ir::UnitConvert &c, const Precision &P) {
  const Precision &po = c.operand->type.precision;
  fx::ScaleFactor sf = fx::scaleFactor(c.factor);
  if (sf.den == 1 && sf.shift == 0) // a whole factor: one exact product
    return fixedFit(b.CreateMul(fixedWide(*c.operand), ConstantInt::getSigned(b.getInt128Ty(), sf.num)),
                    po.fracBits, P);
  return b.CreateCall(mc.runtime("nsc_rt_fx_scale"), {fixedExpr(*c.operand), b.getInt64(packed(po)),
                                                      ConstantFP::get(mc.f64(), c.factor), b.getInt64(packed(P))});
}

Value *BodyEmitter::fixedCall(const ir::Call &c, const Precision &P) {
  auto unary = [&](uint32_t op) {
    return b.CreateCall(mc.runtime("nsc_rt_fx_unary"), {b.getInt32(op), fixedExpr(*c.args[0]),
                                                        b.getInt64(packed(c.args[0]->type.precision)),
                                                        b.getInt64(packed(P))});
  };
  switch (c.builtin) {
  case Builtin::Floor: return unary(0);
  case Builtin::Ceil: return unary(1);
  case Builtin::Round: return unary(2);
  case Builtin::Abs: return unary(3);
  case Builtin::Min:
  case Builtin::Max: return fixedMinMax(c, P);
  case Builtin::Clip: return fixedClip(c, P);
  case Builtin::Resolution: return b.getInt64(uint64_t(fx::fromDouble(mc.dtMs, P)));
  case Builtin::Time: return fixedFromDouble(timeMs, P, false);
  case Builtin::RandomNormal:
  case Builtin::RandomUniform:
  case Builtin::RandomLognormal:
  case Builtin::RandomExponential: return fixedRandom(c, P);
  case Builtin::User: {
    const ir::Function &fn = mc.model.functions[c.function];
    Value *v = callUser(c);
    if (isFixed(fn.returnType))
      return fixedRescale(b.CreateBitCast(v, mc.i64()), fn.returnType.precision, P);
    return fixedFromDouble(reinterpret(v, fn.returnType.kind, TypeKind::Real), P, true);
  }
  default:
    return fail(std::string(ir::builtinName(c.builtin)) +
                    "() of a run-time value has no fixed-point definition (R31); run the quantize pass",
                TypeKind::Int);
  }
}

Value *BodyEmitter::fixedMinMax(const ir::Call &c, const Precision &P) {
  // Both evaluated left to right, then the exact comparison picks one.
  Type *i128 = b.getInt128Ty();
  const Precision &pa = c.args[0]->type.precision, &pb = c.args[1]->type.precision;
  Value *a = fixedExpr(*c.args[0]);
  Value *bb = fixedExpr(*c.args[1]);
  int f = std::max(pa.fracBits, pb.fracBits);
  Value *wa = b.CreateShl(b.CreateSExt(a, i128), ConstantInt::get(i128, f - pa.fracBits));
  Value *wb = b.CreateShl(b.CreateSExt(bb, i128), ConstantInt::get(i128, f - pb.fracBits));
  Value *pickB = c.builtin == Builtin::Min ? b.CreateICmpSGT(wa, wb) : b.CreateICmpSLT(wa, wb);
  Value *ca = fixedRescale(a, pa, P);
  Value *cb = fixedRescale(bb, pb, P);
  return b.CreateSelect(pickB, cb, ca);
}

Value *BodyEmitter::fixedClip(const ir::Call &c, const Precision &P) {
  Type *i128 = b.getInt128Ty();
  const Precision &px = c.args[0]->type.precision, &pl = c.args[1]->type.precision, &ph = c.args[2]->type.precision;
  Value *x = fixedExpr(*c.args[0]);
  Value *lo = fixedExpr(*c.args[1]);
  Value *hi = fixedExpr(*c.args[2]);
  int f = std::max({px.fracBits, pl.fracBits, ph.fracBits});
  auto al = [&](Value *v, const Precision &p) {
    return b.CreateShl(b.CreateSExt(v, i128), ConstantInt::get(i128, f - p.fracBits));
  };
  Value *wx = al(x, px), *wl = al(lo, pl), *wh = al(hi, ph);
  Value *r = b.CreateSelect(b.CreateICmpSGT(wx, wh), fixedRescale(hi, ph, P), fixedRescale(x, px, P));
  return b.CreateSelect(b.CreateICmpSLT(wx, wl), fixedRescale(lo, pl, P), r);
}

Value *BodyEmitter::fixedRandom(const ir::Call &c, const Precision &P) {
  // Drawn in float64 (R32), converted once (R31): the builtin's double
  // path with the result type's precision taken out of the way.
  ir::Call copy(ir::Type::real(c.type.unit), c.builtin);
  Value *x = nullptr;
  {
    // Evaluate through the float path of callBuiltin on a float64 twin.
    std::vector<ir::ExprPtr> &args = const_cast<std::vector<ir::ExprPtr> &>(c.args);
    copy.args.swap(args);
    x = callBuiltin(copy);
    copy.args.swap(args);
  }
  return fixedFromDouble(x, P, /*constant=*/true);
}

} // namespace nsc::cpu::detail
