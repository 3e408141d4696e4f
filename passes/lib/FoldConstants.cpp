//===- FoldConstants.cpp - Constant folding and propagation ---------------===//
#include "nsc/passes/FoldConstants.h"

#include "nsc/ir/IRWalk.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace nsc::passes {

using namespace ir;

namespace {

/// How a real value of a given type is computed at run time.
enum class Arith { F64, F32, None };

Arith arithOf(const Type &t) {
  if (t.kind != TypeKind::Real)
    return Arith::None;
  switch (t.precision.kind) {
  case Precision::F64: return Arith::F64;
  case Precision::F32: return Arith::F32;
  case Precision::Fixed: return Arith::None;
  }
  return Arith::None;
}

double roundTo(double v, Arith a) { return a == Arith::F32 ? double(float(v)) : v; }

/// The value a real constant has at run time (an f32 constant is rounded to
/// float when the program is built); false for fixed point.
bool realValue(const Expr &e, double &v) {
  auto *c = dyn_cast<Constant>(&e);
  if (!c || c->type.kind != TypeKind::Real || arithOf(c->type) == Arith::None)
    return false;
  v = roundTo(c->real, arithOf(c->type));
  return true;
}

bool intValue(const Expr &e, int64_t &v) {
  auto *c = dyn_cast<Constant>(&e);
  if (!c || c->type.kind != TypeKind::Int)
    return false;
  v = c->integer;
  return true;
}

bool boolValue(const Expr &e, bool &v) {
  auto *c = dyn_cast<Constant>(&e);
  if (!c || c->type.kind != TypeKind::Bool)
    return false;
  v = c->boolean;
  return true;
}

ExprPtr makeReal(const Expr &at, double v) {
  auto c = std::make_unique<Constant>(at.type);
  c->real = roundTo(v, arithOf(at.type));
  c->loc = at.loc;
  return c;
}

ExprPtr makeInt(const Expr &at, int64_t v) {
  auto c = std::make_unique<Constant>(at.type);
  c->integer = v;
  c->loc = at.loc;
  return c;
}

ExprPtr makeBool(const Expr &at, bool v) {
  auto c = std::make_unique<Constant>(Type::boolean());
  c->boolean = v;
  c->loc = at.loc;
  return c;
}

/// One IEEE operation in the given precision.
bool realArith(BinaryOp op, double a, double b, Arith ar, double &out) {
  if (ar == Arith::F32) {
    float fa = float(a), fb = float(b), r;
    switch (op) {
    case BinaryOp::Add: r = fa + fb; break;
    case BinaryOp::Sub: r = fa - fb; break;
    case BinaryOp::Mul: r = fa * fb; break;
    case BinaryOp::Div: r = fa / fb; break;
    default: return false;
    }
    out = r;
    return true;
  }
  switch (op) {
  case BinaryOp::Add: out = a + b; return true;
  case BinaryOp::Sub: out = a - b; return true;
  case BinaryOp::Mul: out = a * b; return true;
  case BinaryOp::Div: out = a / b; return true;
  default: return false;
  }
}

/// x ** e for the exponents whose IEEE result is unambiguous.
bool realPow(double x, double e, Arith ar, double &out) {
  if (e == 0) {
    out = 1; // pow(x, 0) is 1 for every x, NaN included
  } else if (e == 1) {
    out = x;
  } else if (e == 2 || e == -1) {
    double tmp;
    if (!realArith(e == 2 ? BinaryOp::Mul : BinaryOp::Div, e == 2 ? x : 1, x, ar, tmp))
      return false;
    out = tmp;
  } else if (e == 0.5) {
    if (x == 0)
      out = 0; // pow(-0, 0.5) is +0 where sqrt(-0) is -0
    else if (std::isinf(x))
      out = std::numeric_limits<double>::infinity(); // pow(-inf, 0.5) = +inf
    else
      out = ar == Arith::F32 ? double(std::sqrt(float(x))) : std::sqrt(x);
  } else {
    return false;
  }
  return true;
}

bool intArith(BinaryOp op, int64_t a, int64_t b, int64_t &out) {
  switch (op) {
  case BinaryOp::Add: return !__builtin_add_overflow(a, b, &out);
  case BinaryOp::Sub: return !__builtin_sub_overflow(a, b, &out);
  case BinaryOp::Mul: return !__builtin_mul_overflow(a, b, &out);
  case BinaryOp::Div:
    if (b == 0 || (a == INT64_MIN && b == -1))
      return false;
    out = a / b; // truncation toward zero, as the language defines
    return true;
  case BinaryOp::Mod:
    if (a < 0 || b <= 0)
      return false;
    out = a % b;
    return true;
  case BinaryOp::BitAnd: out = a & b; return true;
  case BinaryOp::BitOr: out = a | b; return true;
  case BinaryOp::BitXor: out = a ^ b; return true;
  case BinaryOp::Shl:
    if (a < 0 || b < 0 || b > 62 || (a >> (62 - b)) != 0)
      return false;
    out = a << b;
    return true;
  case BinaryOp::Shr:
    if (a < 0 || b < 0 || b > 63)
      return false;
    out = a >> b;
    return true;
  default: return false;
  }
}

template <class T> bool compare(BinaryOp op, T a, T b, bool &out) {
  switch (op) {
  case BinaryOp::Lt: out = a < b; return true;
  case BinaryOp::Le: out = a <= b; return true;
  case BinaryOp::Gt: out = a > b; return true;
  case BinaryOp::Ge: out = a >= b; return true;
  case BinaryOp::Eq: out = a == b; return true;
  case BinaryOp::Ne: out = a != b; return true;
  default: return false;
  }
}

ExprPtr foldBinary(Binary &b) {
  const Expr &l = *b.lhs, &r = *b.rhs;
  if (b.op == BinaryOp::And || b.op == BinaryOp::Or) {
    bool isAnd = b.op == BinaryOp::And, lv, rv;
    bool lc = boolValue(l, lv), rc = boolValue(r, rv);
    if (lc && rc)
      return makeBool(b, isAnd ? lv && rv : lv || rv);
    // `true and x` is x; `false and x` is false when dropping x changes
    // nothing (it has no effect). Likewise for `or` and for the rhs.
    if (lc)
      return lv == isAnd ? std::move(b.rhs) : isPure(r) ? makeBool(b, lv) : nullptr;
    if (rc)
      return rv == isAnd ? std::move(b.lhs) : isPure(l) ? makeBool(b, rv) : nullptr;
    return nullptr;
  }
  if (!isa<Constant>(&l) || !isa<Constant>(&r) || l.type.kind != r.type.kind)
    return nullptr;
  if (isComparison(b.op)) {
    bool out;
    double x, y;
    int64_t i, j;
    bool p, q;
    if (realValue(l, x) && realValue(r, y) && compare(b.op, x, y, out))
      return makeBool(b, out);
    if (intValue(l, i) && intValue(r, j) && compare(b.op, i, j, out))
      return makeBool(b, out);
    if (boolValue(l, p) && boolValue(r, q) && (b.op == BinaryOp::Eq || b.op == BinaryOp::Ne))
      return makeBool(b, b.op == BinaryOp::Eq ? p == q : p != q);
    return nullptr;
  }
  if (b.type.kind == TypeKind::Real) {
    Arith ar = arithOf(b.type);
    double x, y, out;
    if (ar == Arith::None || !realValue(l, x) || !realValue(r, y))
      return nullptr;
    if (b.op == BinaryOp::Pow) {
      if (!realPow(x, y, ar, out))
        return nullptr;
    } else if (b.op == BinaryOp::Mod) {
      // fmod is exact; the remainder's sign convention only matters for
      // negative operands, which are left to the backend.
      if (!(x >= 0 && y > 0) || std::isinf(x))
        return nullptr;
      out = std::fmod(x, y);
    } else if (!realArith(b.op, x, y, ar, out)) {
      return nullptr;
    }
    return makeReal(b, out);
  }
  if (b.type.kind == TypeKind::Int) {
    int64_t i, j, out;
    if (intValue(l, i) && intValue(r, j) && intArith(b.op, i, j, out))
      return makeInt(b, out);
  }
  return nullptr;
}

ExprPtr foldUnary(Unary &u) {
  double x;
  int64_t i;
  bool p;
  switch (u.op) {
  case UnaryOp::Neg:
    if (arithOf(u.type) != Arith::None && realValue(*u.operand, x))
      return makeReal(u, -x);
    if (u.type.kind == TypeKind::Int && intValue(*u.operand, i) && i != INT64_MIN)
      return makeInt(u, -i);
    return nullptr;
  case UnaryOp::Not:
    return boolValue(*u.operand, p) ? makeBool(u, !p) : nullptr;
  case UnaryOp::BitNot:
    return u.type.kind == TypeKind::Int && intValue(*u.operand, i) ? makeInt(u, ~i) : nullptr;
  }
  return nullptr;
}

ExprPtr foldCast(Cast &c) {
  double x;
  int64_t i;
  Arith to = arithOf(c.type);
  switch (c.castKind) {
  case CastKind::IntToReal:
    if (to == Arith::None || !intValue(*c.operand, i))
      return nullptr;
    // Convert straight to the target format: int64 -> float via double
    // could round twice.
    return makeReal(c, to == Arith::F32 ? double(float(i)) : double(i));
  case CastKind::RealToInt:
    if (c.type.kind != TypeKind::Int || !realValue(*c.operand, x) || !std::isfinite(x) ||
        !(std::trunc(x) >= -9223372036854775808.0 && std::trunc(x) < 9223372036854775808.0))
      return nullptr;
    return makeInt(c, static_cast<int64_t>(std::trunc(x)));
  case CastKind::PrecisionCast:
  case CastKind::ReinterpretUnit:
    if (c.type.kind == TypeKind::Real)
      return to != Arith::None && realValue(*c.operand, x) ? makeReal(c, x) : nullptr;
    if (c.type.kind == TypeKind::Int && intValue(*c.operand, i))
      return makeInt(c, i);
    return nullptr;
  }
  return nullptr;
}

/// The folded replacement of the node in `slot`, or null.
ExprPtr foldNode(Expr &e) {
  switch (e.kind) {
  case ExprKind::Unary: return foldUnary(*cast<Unary>(&e));
  case ExprKind::Binary: return foldBinary(*cast<Binary>(&e));
  case ExprKind::Cast: return foldCast(*cast<Cast>(&e));
  case ExprKind::Select: {
    auto *s = cast<Select>(&e);
    bool c;
    if (!boolValue(*s->cond, c))
      return nullptr;
    ExprPtr arm = std::move(c ? s->thenExpr : s->elseExpr);
    arm->type = s->type;
    return arm;
  }
  case ExprKind::UnitConvert: {
    auto *u = cast<UnitConvert>(&e);
    Arith ar = arithOf(u->type);
    double x, out;
    if (ar == Arith::None || !realValue(*u->operand, x) ||
        !realArith(BinaryOp::Mul, x, u->factor, ar, out))
      return nullptr;
    return makeReal(e, out);
  }
  default:
    return nullptr;
  }
}

class Folder {
public:
  /// propagate[v]: the constant that replaces reads of variable v, or null.
  std::vector<const Constant *> propagate;
  unsigned folded = 0, propagated = 0, branches = 0;

  void foldTree(ExprPtr &root) {
    rewritePostOrder(root, [&](ExprPtr &slot) {
      if (auto *v = dyn_cast<VarRef>(slot.get())) {
        if (!v->index && v->var < propagate.size() && propagate[v->var]) {
          ExprPtr c = propagate[v->var]->clone();
          c->type = slot->type;
          c->loc = slot->loc;
          slot = std::move(c);
          ++propagated;
        }
        return;
      }
      if (ExprPtr out = foldNode(*slot)) {
        slot = std::move(out);
        ++folded;
      }
    });
  }

  /// Folds the block's expressions and drops branches that cannot run.
  void foldBlock(Block &b) {
    Block out;
    for (StmtPtr &s : b) {
      forEachStmtExpr(*s, [&](ExprPtr &e) { foldTree(e); });
      for (Block *child : childBlocks(*s))
        foldBlock(*child);
      bool c;
      if (auto *i = dyn_cast<If>(s.get()); i && boolValue(*i->cond, c)) {
        ++branches;
        for (StmtPtr &t : c ? i->thenBody : i->elseBody)
          out.push_back(std::move(t));
        continue;
      }
      if (auto *w = dyn_cast<While>(s.get()); w && boolValue(*w->cond, c) && !c) {
        ++branches;
        continue;
      }
      out.push_back(std::move(s));
    }
    b = std::move(out);
  }

  void foldModel(Model &m) {
    forEachRootExpr(m, [&](ExprPtr &e) { foldTree(e); });
    // forEachRootExpr already folded statement operands; this pass only
    // removes dead branches (folding a folded tree is a no-op).
    for (Block *b : modelBlocks(m))
      foldBlock(*b);
  }
};

/// Scalar parameters and internals whose initial value is a constant, that
/// nothing assigns and no network sets.
std::vector<const Constant *> propagationCandidates(Module &module, uint32_t mi) {
  Model &m = *module.models[mi];
  std::vector<bool> assigned(m.variables.size(), false);
  for (Block *b : modelBlocks(m))
    forEachStmt(*b, [&](Stmt &s) {
      if (auto *a = dyn_cast<Assign>(&s); a && a->target < assigned.size())
        assigned[a->target] = true;
    });
  std::vector<bool> external = variablesUsedByNetworks(module, mi);
  std::vector<const Constant *> out(m.variables.size(), nullptr);
  for (const Variable &v : m.variables) {
    if ((v.role != VarRole::Parameter && v.role != VarRole::Internal) || v.vectorSize != 0 ||
        assigned[v.id] || external[v.id])
      continue;
    auto *c = dyn_cast<Constant>(v.init.get());
    if (c && c->type.sameAs(v.type) && c->type.kind != TypeKind::String)
      out[v.id] = c;
  }
  return out;
}

} // namespace

unsigned foldConstantsInTree(ExprPtr &slot) {
  Folder f;
  f.foldTree(slot);
  return f.folded;
}

bool FoldConstantsPass::run(Module &module, PassContext &ctx) {
  unsigned folded = 0, propagated = 0, branches = 0;
  for (uint32_t mi = 0; mi < module.models.size(); ++mi) {
    Model &m = *module.models[mi];
    Folder f;
    f.foldModel(m);
    if (ctx.options().propagateParameters) {
      // Each round may turn more initial values into constants (an
      // internal computed from parameters); at most one round per variable.
      for (size_t round = 0; round <= m.variables.size(); ++round) {
        std::vector<const Constant *> cands = propagationCandidates(module, mi);
        bool more = false;
        for (size_t v = 0; v < cands.size(); ++v)
          more |= cands[v] && (v >= f.propagate.size() || !f.propagate[v]);
        if (!more)
          break;
        // Clone the constants first: folding may replace the init nodes.
        std::vector<ExprPtr> owned;
        f.propagate.assign(cands.size(), nullptr);
        for (size_t v = 0; v < cands.size(); ++v)
          if (cands[v]) {
            owned.push_back(cands[v]->clone());
            f.propagate[v] = cast<Constant>(owned.back().get());
          }
        f.foldModel(m);
        f.propagate.assign(cands.size(), nullptr);
        for (size_t v = 0; v < cands.size(); ++v)
          f.propagate[v] = cands[v] ? cast<Constant>(m.variables[v].init.get()) : nullptr;
      }
    }
    // A guard that folded to false can never hold: the model as written
    // (with its default values, when parameters were propagated) is invalid.
    for (const Variable &v : m.variables) {
      bool holds;
      if (v.guard && boolValue(*v.guard, holds) && !holds)
        ctx.diags().warning(v.guard->loc.valid() ? v.guard->loc : v.loc,
                            "invariant of '" + v.name + "' never holds");
    }
    folded += f.folded;
    propagated += f.propagated;
    branches += f.branches;
  }
  ctx.changed(folded, "folded", folded == 1 ? "expression" : "expressions");
  ctx.changed(propagated, "propagated", propagated == 1 ? "constant use" : "constant uses");
  ctx.changed(branches, "removed", branches == 1 ? "constant branch" : "constant branches");
  return true;
}

} // namespace nsc::passes
