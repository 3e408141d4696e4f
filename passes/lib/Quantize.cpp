//===- Quantize.cpp - Prepare fixed-point models for execution ------------===//
//
// See Quantize.h and docs/quantization.md. The pass does not change how
// values are computed (that is R28-R31, implemented by every backend with
// nsc/ir/FixedPoint.h); it moves float64-only math to start-up, rejects
// what fixed point cannot define, and tells the user where the format and
// the model disagree.
//
//===----------------------------------------------------------------------===//
#include "nsc/passes/Quantize.h"

#include "nsc/support/Units.h"
#include "nsc/ir/Builder.h"
#include "nsc/ir/FixedPoint.h"
#include "nsc/ir/IRWalk.h"
#include "nsc/passes/NetworkRanges.h"
#include "nsc/passes/RangeAnalysis.h"

#include <cmath>
#include <cstdio>
#include <functional>
#include <iomanip>
#include <map>
#include <ostream>
#include <set>
#include <sstream>

namespace nsc::passes {

using namespace ir;

ir::Precision chooseFixedFormat(const Interval &range, bool exactValue, const ir::Precision &base) {
  const int W = base.totalBits();
  if (range.isEmpty() || !range.isBounded())
    return base;
  double lo = range.lo, hi = range.hi;
  if (!exactValue) { // headroom: 1/16 of the largest magnitude on each side
    double h = range.magnitude() / 16;
    lo -= h;
    hi += h;
  }
  for (int m = 1; m <= W; ++m) {
    Precision p = base;
    p.intBits = m;
    p.fracBits = W - m;
    if (exactValue) {
      bool satLo = false, satHi = false;
      fx::fromDouble(lo, p, &satLo);
      fx::fromDouble(hi, p, &satHi);
      if (!satLo && !satHi)
        return p;
    } else if (lo >= fx::toDouble(fx::minRaw(p), p) && hi <= fx::toDouble(fx::maxRaw(p), p)) {
      return p;
    }
  }
  Precision p = base; // nothing of W bits holds it: the most integer bits
  p.intBits = W;
  p.fracBits = 0;
  return p;
}

namespace {

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

std::string qName(const Precision &p) {
  return "Q" + std::to_string(p.intBits) + "." + std::to_string(p.fracBits);
}

std::string withUnit(const std::string &s, const Type &t) {
  std::string u = t.kind == TypeKind::Real && !t.unit.isDimensionless() ? units::formatUnit(t.unit) : "";
  return u.empty() ? s : s + " " + u;
}

bool isFixedReal(const Type &t) { return t.kind == TypeKind::Real && t.precision.kind == Precision::Fixed; }

/// Builtins and operators with no bit-exact fixed-point definition (R31).
bool needsFloat(const Expr &e) {
  if (auto *c = dyn_cast<Call>(&e)) {
    switch (c->builtin) {
    case Builtin::Exp: case Builtin::Expm1: case Builtin::Ln: case Builtin::Log10:
    case Builtin::Sin: case Builtin::Cos: case Builtin::Tan: case Builtin::Sinh:
    case Builtin::Cosh: case Builtin::Tanh: case Builtin::Erf: case Builtin::Erfc:
    case Builtin::Sqrt:
      return true;
    default: return false;
    }
  }
  if (auto *b = dyn_cast<Binary>(&e); b && b->op == BinaryOp::Pow && isFixedReal(e.type)) {
    if (b->rhs->type.kind == TypeKind::Int)
      return false;
    double k;
    return !(evaluateConstant(*b->rhs, k) && k == std::nearbyint(k) && std::fabs(k) <= 64);
  }
  return false;
}

std::string floatOpName(const Expr &e) {
  if (auto *c = dyn_cast<Call>(&e))
    return std::string(builtinName(c->builtin)) + "()";
  return "'**' with a non-integer exponent";
}

class ModelQuantizer {
public:
  ModelQuantizer(Module &mod, Model &m, PassContext &ctx) : mod_(mod), m_(m), ctx_(ctx), p_(m.semantics.precision) {}
  bool run();

private:
  void markRunTimeWrites();
  bool startupOnly(const Expr &e) const;
  const Expr *runTimeRead(const Expr &e) const;
  void visit(ExprPtr &slot);
  void forEachRunTimeSlot(const ExprSlotFn &fn);
  void checkConstants();
  void checkRanges();
  void assignFormats();
  bool perVariable() const { return m_.semantics.fixedFormats == FixedFormats::PerVariable; }
  double errorBound(const Expr &e) const;
  double roundingError(const Precision &p) const;
  void explain();

  Module &mod_;
  Model &m_;
  PassContext &ctx_;
  Precision p_;
  std::vector<bool> writtenAtRunTime_;
  unsigned hoisted_ = 0, errors_ = 0, reformatted_ = 0;
  RangeResult ranges_;
  NetworkRanges network_;
};

void ModelQuantizer::forEachRunTimeSlot(const ExprSlotFn &fn) {
  for (Block *b : modelBlocks(m_))
    forEachStmt(*b, [&](Stmt &s) { forEachStmtExpr(s, fn); });
  for (OnCondition &c : m_.onCondition)
    fn(c.cond);
}

void ModelQuantizer::markRunTimeWrites() {
  writtenAtRunTime_.assign(m_.variables.size(), false);
  for (Block *b : modelBlocks(m_))
    forEachStmt(*b, [&](Stmt &s) {
      if (auto *a = dyn_cast<Assign>(&s))
        writtenAtRunTime_[a->target] = true;
      else if (auto *f = dyn_cast<For>(&s))
        writtenAtRunTime_[f->var] = true;
    });
}

/// Reads only constants, parameters and internals that run-time code never
/// writes, through pure operations: computable once at start-up.
bool ModelQuantizer::startupOnly(const Expr &e) const {
  bool ok = true;
  forEachNode(e, [&](const Expr &n) {
    if (!ok)
      return;
    switch (n.kind) {
    case ExprKind::Constant: case ExprKind::Unary: case ExprKind::Binary: case ExprKind::Select:
    case ExprKind::UnitConvert: case ExprKind::Cast:
      return;
    case ExprKind::VarRef: {
      const Variable &v = m_.variables[cast<VarRef>(&n)->var];
      ok = (v.role == VarRole::Parameter || v.role == VarRole::Internal) && !writtenAtRunTime_[v.id];
      return;
    }
    case ExprKind::Call: {
      Builtin b = cast<Call>(&n)->builtin;
      ok = needsFloat(n) || b == Builtin::Abs || b == Builtin::Min || b == Builtin::Max ||
           b == Builtin::Clip || b == Builtin::Floor || b == Builtin::Ceil || b == Builtin::Round ||
           b == Builtin::Resolution || b == Builtin::Steps;
      return;
    }
    default: ok = false; return;
    }
  });
  return ok;
}

/// The first node of e that makes it a run-time value (for the message).
const Expr *ModelQuantizer::runTimeRead(const Expr &e) const {
  const Expr *found = nullptr;
  forEachNode(e, [&](const Expr &n) {
    if (found)
      return;
    if (auto *r = dyn_cast<VarRef>(&n)) {
      const Variable &v = m_.variables[r->var];
      if (!((v.role == VarRole::Parameter || v.role == VarRole::Internal) && !writtenAtRunTime_[v.id]))
        found = &n;
    } else if (isa<PortRef>(&n)) {
      found = &n;
    } else if (auto *c = dyn_cast<Call>(&n); c && (c->builtin == Builtin::Time || c->builtin == Builtin::User ||
                                                   c->builtin == Builtin::RandomNormal ||
                                                   c->builtin == Builtin::RandomUniform)) {
      found = &n;
    }
  });
  return found;
}

void ModelQuantizer::visit(ExprPtr &slot) {
  if (!slot)
    return;
  bool hasFloatMath = false;
  forEachNode(*slot, [&](const Expr &n) { hasFloatMath = hasFloatMath || needsFloat(n); });
  if (!hasFloatMath)
    return;
  if (slot->type.isNumeric() && startupOnly(*slot)) {
    // R31: computed in float64 at start-up, converted once.
    Variable v;
    v.id = VarId(m_.variables.size());
    std::string what = isa<Call>(slot.get()) ? builtinName(cast<Call>(slot.get())->builtin) : "pow";
    v.name = "q." + what + std::to_string(hoisted_++);
    v.role = VarRole::Internal;
    v.type = slot->type;
    v.loc = slot->loc;
    SourceRange loc = slot->loc;
    v.init = std::move(slot);
    m_.variables.push_back(std::move(v));
    if (!m_.initOrder.empty())
      m_.initOrder.push_back(VarId(m_.variables.size() - 1));
    slot = std::make_unique<VarRef>(m_.variables.back().type, VarId(m_.variables.size() - 1));
    slot->loc = loc;
    return;
  }
  if (needsFloat(*slot)) {
    const Expr *r = runTimeRead(*slot);
    std::string reads;
    if (auto *v = dyn_cast<VarRef>(r))
      reads = " of '" + m_.variables[v->var].name + "'";
    else if (auto *p = dyn_cast<PortRef>(r))
      reads = " of port '" + m_.ports[p->port].name + "'";
    else if (r)
      reads = " of '" + std::string(builtinName(cast<Call>(r)->builtin)) + "'";
    auto d = ctx_.diags().error(slot->loc, floatOpName(*slot) + reads + " has no fixed-point definition; in " +
                                               precisionName(p_) +
                                               " such functions may only read constants, parameters and internals");
    if (r && r->loc.begin.line)
      d.note(r->loc, "this value changes at run time");
    d.note(m_.loc, "model '" + m_.name + "' is fixed point; compute the value in an internal, or use float64");
    ++errors_;
    return; // one error per expression tree
  }
  forEachChild(*slot, [&](ExprPtr &c) { visit(c); });
}

void ModelQuantizer::checkConstants() {
  std::set<const Expr *> seen;
  forEachRunTimeSlot([&](ExprPtr &root) {
    if (!root)
      return;
    forEachNode(*root, [&](const Expr &n) {
      auto *c = dyn_cast<Constant>(&n);
      if (!c || !isFixedReal(n.type) || !seen.insert(&n).second)
        return;
      bool sat = false, flushed = false;
      int64_t raw = fx::fromDouble(c->real, n.type.precision, &sat, &flushed);
      if (flushed)
        ctx_.diags().warning(n.loc, "constant " + num(c->real) + " becomes 0 in " + qName(n.type.precision) +
                                        " (its step is " + num(fx::ulp(n.type.precision)) + ")");
      else if (sat)
        ctx_.diags().warning(n.loc, "constant " + num(c->real) + " saturates to " +
                                        num(fx::toDouble(raw, n.type.precision)) + " in " +
                                        qName(n.type.precision));
    });
  });
  for (const Variable &v : m_.variables) {
    if ((v.role != VarRole::Parameter && v.role != VarRole::Internal) || !isFixedReal(v.type))
      continue;
    const VarRange &r = ranges_.var(v.id);
    if (r.range.isEmpty() || r.range.lo != r.range.hi || r.kind == RangeKind::Override)
      continue;
    double x = r.range.lo;
    bool sat = false, flushed = false;
    int64_t raw = fx::fromDouble(x, v.type.precision, &sat, &flushed);
    SourceRange loc = v.loc.begin.line ? v.loc : m_.loc;
    if (flushed)
      ctx_.diags().warning(loc, "the start-up value of '" + v.name + "' (" + withUnit(num(x), v.type) +
                                    ") becomes 0 in " + qName(v.type.precision));
    else if (sat)
      ctx_.diags().warning(loc, "the start-up value of '" + v.name + "' (" + withUnit(num(x), v.type) +
                                    ") saturates to " + num(fx::toDouble(raw, v.type.precision)) + " in " +
                                    qName(v.type.precision));
  }
}

void ModelQuantizer::checkRanges() {
  for (const Variable &v : m_.variables) {
    if (v.role != VarRole::State || !isFixedReal(v.type))
      continue;
    const VarRange &r = ranges_.var(v.id);
    double lo = fx::toDouble(fx::minRaw(v.type.precision), v.type.precision);
    double hi = fx::toDouble(fx::maxRaw(v.type.precision), v.type.precision);
    if (r.range.isEmpty() || (r.range.lo >= lo && r.range.hi <= hi))
      continue;
    char lim[64];
    std::snprintf(lim, sizeof lim, " [%.10g, %.10g]", lo, hi);
    std::string fmt = qName(v.type.precision) + lim;
    auto d = r.kind == RangeKind::Unbounded
                 ? ctx_.diags().warning(v.loc, "no finite range found for '" + v.name + "' (" +
                                                   withUnit(r.range.str(), v.type) + "); values outside " + fmt +
                                                   " will " + overflowName(v.type.precision.overflow))
                 : ctx_.diags().warning(v.loc, "range of '" + v.name + "' " + withUnit(r.range.str(), v.type) +
                                                   " (" + rangeKindName(r.kind) + ") does not fit " + fmt +
                                                   "; values outside it will " +
                                                   overflowName(v.type.precision.overflow));
    d.note(m_.loc, "give the range with --range " + v.name + "=LO..HI if it is narrower, or use a format with "
                                                             "more integer bits");
  }
}

double ModelQuantizer::roundingError(const Precision &p) const {
  return p.rounding == Rounding::NearestEven ? fx::ulp(p) / 2 : fx::ulp(p);
}

/// First-order bound of the error one evaluation of e adds, given exact
/// values of the state it reads: representation error of constants and
/// start-up values, plus one rounding per inexact operation, propagated
/// with the operands' ranges.
double ModelQuantizer::errorBound(const Expr &e) const {
  auto mag = [&](const Expr &x) { return ranges_.expr(&x).magnitude(); };
  const Precision &p = e.type.precision;
  bool fixed = isFixedReal(e.type);
  switch (e.kind) {
  case ExprKind::Constant: {
    if (!fixed)
      return 0;
    double c = cast<Constant>(&e)->real;
    return std::fabs(c - fx::toDouble(fx::fromDouble(c, p), p));
  }
  case ExprKind::VarRef: {
    const Variable &v = m_.variables[cast<VarRef>(&e)->var];
    const VarRange &r = ranges_.var(v.id);
    if (fixed && (v.role == VarRole::Parameter || v.role == VarRole::Internal) && r.range.lo == r.range.hi &&
        std::isfinite(r.range.lo))
      return std::fabs(r.range.lo - fx::toDouble(fx::fromDouble(r.range.lo, p), p));
    return 0;
  }
  case ExprKind::Unary: return errorBound(*cast<Unary>(&e)->operand);
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    if (!fixed)
      return 0;
    double ea = errorBound(*b.lhs), eb = errorBound(*b.rhs);
    bool sameFormat = b.lhs->type.precision == p && b.rhs->type.precision == p;
    switch (b.op) {
    case BinaryOp::Add:
    case BinaryOp::Sub: return ea + eb + (sameFormat ? 0 : roundingError(p));
    case BinaryOp::Mul: return mag(*b.lhs) * eb + mag(*b.rhs) * ea + ea * eb + roundingError(p);
    case BinaryOp::Div: {
      Interval d = ranges_.expr(b.rhs.get());
      double dmin = d.contains(0.0) ? 0 : std::min(std::fabs(d.lo), std::fabs(d.hi));
      if (dmin == 0)
        return std::numeric_limits<double>::infinity();
      return (ea + mag(e) * eb) / dmin + roundingError(p);
    }
    default: return ea + eb + roundingError(p);
    }
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    return std::max(errorBound(*s.thenExpr), errorBound(*s.elseExpr));
  }
  case ExprKind::UnitConvert: {
    auto &c = *cast<UnitConvert>(&e);
    fx::ScaleFactor f = fx::scaleFactor(c.factor);
    bool exact = f.den == 1 && f.shift == 0;
    return std::fabs(c.factor) * errorBound(*c.operand) + (fixed && !exact ? roundingError(p) : 0);
  }
  case ExprKind::Cast: return errorBound(*cast<Cast>(&e)->operand);
  case ExprKind::Call: {
    auto &c = *cast<Call>(&e);
    double worst = 0;
    for (const ExprPtr &a : c.args)
      worst = std::max(worst, errorBound(*a));
    if (c.builtin == Builtin::Floor || c.builtin == Builtin::Ceil || c.builtin == Builtin::Round)
      return worst > 0 ? 1 : 0; // a whole-number step can flip
    if (c.builtin == Builtin::Abs || c.builtin == Builtin::Min || c.builtin == Builtin::Max ||
        c.builtin == Builtin::Clip)
      return worst;
    return fixed ? worst + roundingError(p) : worst;
  }
  default: return 0;
  }
}

/// Per-variable formats (docs/quantization.md): every real variable, port
/// and run-time expression gets the Qm.n of the model's word length that
/// holds its range with the most fraction bits; each result then rounds to
/// its own format (R29). Values without a finite range keep the model's
/// format. Start-up code (initial values, the prepare block) computes in
/// float64 and converts once to the variable's format (R31), so its types
/// are left alone; so are user functions, whose arguments and results are
/// converted at the call.
void ModelQuantizer::assignFormats() {
  auto retype = [&](Type &t, const Precision &p) {
    if (!(t.precision == p)) {
      t.precision = p;
      ++reformatted_;
    }
  };
  for (Variable &v : m_.variables) {
    if (!isFixedReal(v.type) || v.role == VarRole::Argument)
      continue;
    const VarRange &r = ranges_.var(v.id);
    bool constant = (v.role == VarRole::Parameter || v.role == VarRole::Internal) && r.range.lo == r.range.hi;
    retype(v.type, chooseFixedFormat(r.range, constant, p_));
  }
  for (size_t k = 0; k < m_.ports.size(); ++k)
    if (isFixedReal(m_.ports[k].type))
      retype(m_.ports[k].type, chooseFixedFormat(ranges_.ports[k].range, false, p_));
  std::function<void(Expr &)> visitNode = [&](Expr &e) {
    forEachChild(e, [&](ExprPtr &c) {
      if (c)
        visitNode(*c);
    });
    if (!isFixedReal(e.type))
      return;
    if (auto *r = dyn_cast<VarRef>(&e))
      retype(e.type, m_.variables[r->var].type.precision);
    else if (auto *p = dyn_cast<PortRef>(&e))
      retype(e.type, m_.ports[p->port].type.precision);
    else if (auto *c = dyn_cast<Constant>(&e))
      retype(e.type, chooseFixedFormat(Interval::point(c->real), true, p_));
    else if (auto *call = dyn_cast<Call>(&e); call && call->builtin == Builtin::User)
      return; // the function's return type
    else
      retype(e.type, chooseFixedFormat(ranges_.expr(&e), false, p_));
  };
  forEachRunTimeSlot([&](ExprPtr &slot) {
    if (slot)
      visitNode(*slot);
  });
}

void ModelQuantizer::explain() {
  std::vector<double> err(m_.variables.size(), 0);
  for (Block *b : modelBlocks(m_))
    forEachStmt(*b, [&](Stmt &s) {
      if (auto *a = dyn_cast<Assign>(&s))
        err[a->target] = std::max(err[a->target], errorBound(*a->value));
      else if (auto *d = dyn_cast<LocalDecl>(&s); d && d->init)
        err[d->var] = std::max(err[d->var], errorBound(*d->init));
    });
  std::ostream &os = ctx_.log();
  os << "quantization of model '" << m_.name << "' (" << precisionName(p_)
     << (perVariable() ? ", formats per variable of " + std::to_string(p_.totalBits()) + " bits"
                       : std::string(", one format per model"))
     << ", R29):\n";
  os << "  " << std::left << std::setw(26) << "variable" << std::setw(10) << "role" << std::setw(10) << "format"
     << std::setw(34) << "range" << std::setw(11) << "kind" << std::setw(14) << "step"
     << "error/step\n";
  for (const Variable &v : m_.variables) {
    if (!isFixedReal(v.type) || v.role == VarRole::Argument)
      continue;
    const VarRange &r = ranges_.var(v.id);
    const Precision &p = v.type.precision;
    bool startValue = (v.role == VarRole::Parameter || v.role == VarRole::Internal) && r.range.lo == r.range.hi &&
                      std::isfinite(r.range.lo);
    double e = startValue ? std::fabs(r.range.lo - fx::toDouble(fx::fromDouble(r.range.lo, p), p)) : err[v.id];
    std::string unit = v.type.unit.isDimensionless() ? "" : " " + units::formatUnit(v.type.unit);
    os << "  " << std::left << std::setw(26) << (v.name + " ") << std::setw(10) << varRoleName(v.role) << std::setw(10)
       << qName(p) << std::setw(34) << (r.range.str() + unit) << std::setw(11) << rangeKindName(r.kind)
       << std::setw(14) << num(fx::ulp(p)) << num(e) << (startValue ? " (representation)" : "") << "\n";
  }
  for (size_t k = 0; k < m_.ports.size(); ++k) {
    const Port &port = m_.ports[k];
    if (!isFixedReal(port.type))
      continue;
    const VarRange &r = ranges_.ports[k];
    std::string unit = port.type.unit.isDimensionless() ? "" : " " + units::formatUnit(port.type.unit);
    os << "  " << std::left << std::setw(26) << (port.name + " ") << std::setw(10) << "port" << std::setw(10)
       << qName(port.type.precision) << std::setw(34) << (r.range.str() + unit) << std::setw(11)
       << rangeKindName(r.kind) << std::setw(14) << num(fx::ulp(port.type.precision)) << "(" << r.why << ")\n";
  }
  if (perVariable()) {
    // Intermediate results (every run-time expression) by format.
    std::map<std::string, unsigned> byFormat;
    forEachRunTimeSlot([&](ExprPtr &root) {
      if (root)
        forEachNode(*root, [&](const Expr &n) {
          if (isFixedReal(n.type) && !isa<VarRef>(&n) && !isa<PortRef>(&n) && !isa<Constant>(&n))
            ++byFormat[qName(n.type.precision)];
        });
    });
    os << "  intermediate results:";
    for (auto &[f, n] : byFormat)
      os << " " << n << " in " << f;
    os << "\n";
  }
  os << "  (error/step: first-order bound of the error one step adds to the variable from rounding of constants "
        "and of each operation, inputs exact; see docs/quantization.md)\n";
}

bool ModelQuantizer::run() {
  markRunTimeWrites();
  forEachRunTimeSlot([&](ExprPtr &slot) { visit(slot); });
  if (errors_)
    return false;
  RangeOptions ro;
  for (const std::string &text : ctx_.options().ranges) {
    std::string err;
    auto o = parseRangeOverride(text, err);
    if (!o) {
      ctx_.diags().error({}, "--range " + text + ": " + err);
      return false;
    }
    if (m_.findVariable(o->name) || m_.findPort(o->name))
      ro.overrides.push_back(*o);
  }
  network_ = networkRanges(mod_, m_);
  ro.portBounds = network_.ports;
  ro.initRanges = network_.inits;
  ranges_ = analyzeRanges(m_, ro, ctx_.diags());
  if (!ranges_.ok)
    return false;
  if (perVariable())
    assignFormats();
  checkConstants();
  checkRanges();
  if (ctx_.options().explainQuantization)
    explain();
  ctx_.changed(hoisted_, "moved", "start-up expressions to internals");
  ctx_.changed(reformatted_, "gave", "values their own fixed-point format");
  return true;
}

} // namespace

bool QuantizePass::run(Module &module, PassContext &ctx) {
  bool ok = true;
  unsigned checked = 0;
  std::set<std::string> named;
  for (auto &m : module.models) {
    if (m->semantics.precision.kind != Precision::Fixed)
      continue;
    ++checked;
    ok = ModelQuantizer(module, *m, ctx).run() && ok;
  }
  // A --range that names nothing in any fixed-point model is a mistake.
  for (const std::string &text : ctx.options().ranges) {
    std::string err;
    auto o = parseRangeOverride(text, err);
    if (!o)
      continue;
    bool found = false;
    for (auto &m : module.models)
      found = found || (m->semantics.precision.kind == Precision::Fixed &&
                        (m->findVariable(o->name) || m->findPort(o->name)));
    if (!found && checked) {
      ctx.diags().error({}, "--range names '" + o->name + "', which is no variable or port of a fixed-point model");
      ok = false;
    }
  }
  ctx.changed(checked, "checked", checked == 1 ? "fixed-point model" : "fixed-point models");
  return ok;
}

} // namespace nsc::passes
