//===- Verifier.cpp - Structural and type invariants of the IR ------------===//
#include "nsc/ir/Verifier.h"

#include "nsc/ir/Builder.h"
#include "nsc/ir/Printer.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

namespace nsc::ir {

namespace {

struct Violation {
  std::string message;
  SourceRange loc;
};

class ModelVerifier {
public:
  ModelVerifier(const Model &m, std::vector<Violation> &out) : m_(m), out_(out) {}

  void run() {
    std::set<std::string> names;
    for (size_t i = 0; i < m_.variables.size(); ++i) {
      const Variable &v = m_.variables[i];
      if (v.id != i)
        fail(v.loc, fmt::format("variable '{}' has id {} at position {}", v.name, v.id, i));
      if (v.type.isError() || v.type.kind == TypeKind::Void)
        fail(v.loc, fmt::format("variable '{}' has no valid type", v.name));
      if (v.role != VarRole::Local && v.role != VarRole::Argument && !names.insert(v.name).second)
        fail(v.loc, fmt::format("variable '{}' is declared twice", v.name));
      if (v.init) {
        expr(*v.init);
        expectSame(v.init->type, v.type, v.init->loc,
                   fmt::format("initial value of '{}'", v.name));
      }
      if (v.guard) {
        expr(*v.guard);
        expectBool(*v.guard, fmt::format("guard of '{}'", v.name));
      }
    }
    for (const Port &p : m_.ports)
      if (p.type.isError())
        fail(p.loc, fmt::format("port '{}' has no valid type", p.name));

    std::set<VarId> withOde;
    for (const OdeEquation &e : m_.odes.equations) {
      if (!validVar(e.var, e.loc))
        continue;
      const Variable &v = m_.variables[e.var];
      if (v.role != VarRole::State)
        fail(e.loc, fmt::format("ODE for '{}', which is not a state variable", v.name));
      if (!withOde.insert(e.var).second)
        fail(e.loc, fmt::format("two ODEs for '{}'", v.name));
      if (e.order == 0)
        fail(e.loc, fmt::format("ODE for '{}' has order 0", v.name));
      if (e.order > 1 && e.derivativeVars.size() != e.order - 1)
        fail(e.loc, fmt::format("ODE of order {} for '{}' lists {} derivative variables", e.order,
                                v.name, e.derivativeVars.size()));
      for (VarId d : e.derivativeVars)
        if (d != kNoVar)
          validVar(d, e.loc);
      if (!e.rhs) {
        fail(e.loc, fmt::format("ODE for '{}' has no right-hand side", v.name));
        continue;
      }
      expr(*e.rhs);
      expectSame(e.rhs->type, derivativeType(v.type, e.order), e.rhs->loc,
                 fmt::format("right-hand side of the ODE for '{}'", v.name));
    }
    for (const Kernel &k : m_.odes.kernels) {
      if (!k.rhs)
        fail(k.loc, fmt::format("kernel '{}' has no right-hand side", k.name));
      else
        expr(*k.rhs);
    }
    for (const InlineExpr &i : m_.odes.inlines) {
      if (!i.rhs) {
        fail(i.loc, fmt::format("inline '{}' has no right-hand side", i.name));
        continue;
      }
      expr(*i.rhs);
      expectSame(i.rhs->type, i.type, i.rhs->loc, fmt::format("inline '{}'", i.name));
    }
    for (const Function &f : m_.functions) {
      for (VarId p : f.params)
        if (validVar(p, f.loc) && m_.variables[p].role != VarRole::Argument)
          fail(f.loc, fmt::format("parameter '{}' of function '{}' is not an argument variable",
                                  m_.variables[p].name, f.name));
      function_ = &f;
      block(f.body);
      function_ = nullptr;
    }
    for (const StmtPtr &s : m_.prepare)
      if (s->kind != StmtKind::ComputePropagator && s->kind != StmtKind::Assign &&
          s->kind != StmtKind::LocalDecl)
        fail(s->loc, "prepare holds only propagator computations, locals and assignments");
    block(m_.prepare);
    block(m_.update);
    for (const OnReceive &r : m_.onReceive) {
      if (r.port >= m_.ports.size())
        fail(r.loc, fmt::format("on_receive names port {} of {}", r.port, m_.ports.size()));
      else if (m_.ports[r.port].kind != PortKind::Spike)
        fail(r.loc, fmt::format("on_receive for continuous port '{}'", m_.ports[r.port].name));
      block(r.body);
    }
    for (const OnCondition &c : m_.onCondition) {
      if (!c.cond) {
        fail(c.loc, "on_condition without a condition");
      } else {
        expr(*c.cond);
        expectBool(*c.cond, "on_condition");
      }
      block(c.body);
    }
  }

private:
  void fail(SourceRange loc, std::string msg) {
    out_.push_back({fmt::format("in model '{}': {}", m_.name, msg), loc});
  }

  bool validVar(VarId v, SourceRange loc) {
    if (v < m_.variables.size())
      return true;
    fail(loc, fmt::format("variable id {} out of range ({} variables)", v, m_.variables.size()));
    return false;
  }

  void expectSame(const Type &got, const Type &want, SourceRange loc, const std::string &what) {
    if (got.isError() || want.isError() || !got.sameAs(want))
      fail(loc, fmt::format("{} has type '{}', expected '{}'", what, printType(got),
                            printType(want)));
  }

  void expectBool(const Expr &e, const std::string &what) {
    if (e.type.kind != TypeKind::Bool)
      fail(e.loc, fmt::format("{} is of type '{}', expected 'bool'", what, printType(e.type)));
  }

  void expectIndex(const Expr &e) {
    expr(e);
    if (e.type.kind != TypeKind::Int)
      fail(e.loc, fmt::format("index of type '{}', expected 'int'", printType(e.type)));
  }

  void expr(const Expr &e) {
    switch (e.kind) {
    case ExprKind::Constant:
      if (e.type.isError() || e.type.kind == TypeKind::Void)
        fail(e.loc, "constant without a valid type");
      return;
    case ExprKind::VarRef: {
      auto &v = *cast<VarRef>(&e);
      if (!validVar(v.var, e.loc))
        return;
      const Variable &var = m_.variables[v.var];
      if (v.index) {
        expectIndex(*v.index);
        if (!var.vectorSize)
          fail(e.loc, fmt::format("index into scalar variable '{}'", var.name));
      }
      expectSame(e.type, var.type, e.loc, fmt::format("reference to '{}'", var.name));
      return;
    }
    case ExprKind::Derivative: {
      auto &d = *cast<Derivative>(&e);
      if (!validVar(d.var, e.loc))
        return;
      const OdeEquation *eq = m_.odes.equationFor(d.var);
      const std::string &name = m_.variables[d.var].name;
      if (!eq)
        fail(e.loc, fmt::format("derivative of '{}', which has no ODE", name));
      else if (d.order == 0 || d.order > eq->order)
        fail(e.loc, fmt::format("derivative of order {} of '{}', whose ODE has order {}", d.order,
                                name, eq->order));
      expectSame(e.type, derivativeType(m_.variables[d.var].type, d.order), e.loc,
                 fmt::format("derivative of '{}'", name));
      return;
    }
    case ExprKind::PortRef: {
      auto &p = *cast<PortRef>(&e);
      if (p.port >= m_.ports.size()) {
        fail(e.loc, fmt::format("port id {} out of range ({} ports)", p.port, m_.ports.size()));
        return;
      }
      if (p.index) {
        expectIndex(*p.index);
        if (!m_.ports[p.port].vectorSize)
          fail(e.loc, fmt::format("index into scalar port '{}'", m_.ports[p.port].name));
      }
      return;
    }
    case ExprKind::InlineRef: {
      auto id = cast<InlineRef>(&e)->inlineId;
      if (id >= m_.odes.inlines.size())
        fail(e.loc, fmt::format("inline id {} out of range", id));
      else
        expectSame(e.type, m_.odes.inlines[id].type, e.loc,
                   fmt::format("reference to inline '{}'", m_.odes.inlines[id].name));
      return;
    }
    case ExprKind::KernelRef: {
      auto &k = *cast<KernelRef>(&e);
      if (k.kernel >= m_.odes.kernels.size())
        fail(e.loc, fmt::format("kernel id {} out of range", k.kernel));
      return;
    }
    case ExprKind::Unary: {
      auto &u = *cast<Unary>(&e);
      if (!u.operand) {
        fail(e.loc, "unary operator without operand");
        return;
      }
      expr(*u.operand);
      const Type &t = u.operand->type;
      if (u.op == UnaryOp::Not) {
        expectBool(*u.operand, "operand of 'not'");
        expectSame(e.type, Type::boolean(), e.loc, "result of 'not'");
      } else if (u.op == UnaryOp::BitNot) {
        if (t.kind != TypeKind::Int)
          fail(e.loc, "operand of '~' is not an integer");
      } else {
        if (!t.isNumeric())
          fail(e.loc, fmt::format("negation of non-number of type '{}'", printType(t)));
        expectSame(e.type, t, e.loc, "result of negation");
      }
      return;
    }
    case ExprKind::Binary: {
      auto &b = *cast<Binary>(&e);
      if (!b.lhs || !b.rhs) {
        fail(e.loc, "binary operator without operands");
        return;
      }
      expr(*b.lhs);
      expr(*b.rhs);
      double exponent = 0;
      bool haveExp = b.op == BinaryOp::Pow && evaluateConstant(*b.rhs, exponent);
      std::string why;
      Type want = binaryResultType(b.op, b.lhs->type, b.rhs->type, haveExp ? &exponent : nullptr, &why);
      if (want.isError()) {
        if (!b.lhs->type.isError() && !b.rhs->type.isError())
          fail(e.loc, fmt::format("operator '{}' on '{}' and '{}': {}", binaryOpName(b.op),
                                  printType(b.lhs->type), printType(b.rhs->type), why));
        return;
      }
      expectSame(e.type, want, e.loc, fmt::format("result of '{}'", binaryOpName(b.op)));
      return;
    }
    case ExprKind::Select: {
      auto &s = *cast<Select>(&e);
      if (!s.cond || !s.thenExpr || !s.elseExpr) {
        fail(e.loc, "select with a missing operand");
        return;
      }
      expr(*s.cond);
      expr(*s.thenExpr);
      expr(*s.elseExpr);
      expectBool(*s.cond, "condition of select");
      expectSame(s.elseExpr->type, s.thenExpr->type, s.elseExpr->loc, "else arm of select");
      expectSame(e.type, s.thenExpr->type, e.loc, "result of select");
      return;
    }
    case ExprKind::Call: {
      auto &c = *cast<Call>(&e);
      for (const ExprPtr &a : c.args) {
        if (!a) {
          fail(e.loc, "call with a missing argument");
          return;
        }
        expr(*a);
      }
      if (c.builtin == Builtin::User) {
        if (c.function >= m_.functions.size()) {
          fail(e.loc, fmt::format("function id {} out of range", c.function));
          return;
        }
        const Function &f = m_.functions[c.function];
        if (c.args.size() != f.params.size()) {
          fail(e.loc, fmt::format("call of '{}' with {} arguments, expected {}", f.name,
                                  c.args.size(), f.params.size()));
          return;
        }
        for (size_t i = 0; i < c.args.size(); ++i)
          if (f.params[i] < m_.variables.size())
            expectSame(c.args[i]->type, m_.variables[f.params[i]].type, c.args[i]->loc,
                       fmt::format("argument {} of '{}'", i + 1, f.name));
        expectSame(e.type, f.returnType, e.loc, fmt::format("result of '{}'", f.name));
        return;
      }
      unsigned lo, hi;
      builtinArity(c.builtin, lo, hi);
      if (c.args.size() < lo || c.args.size() > hi) {
        fail(e.loc, fmt::format("'{}' called with {} arguments", builtinName(c.builtin),
                                c.args.size()));
        return;
      }
      switch (c.builtin) {
      case Builtin::Min:
      case Builtin::Max:
      case Builtin::Clip:
        for (const ExprPtr &a : c.args)
          expectSame(a->type, e.type, a->loc, fmt::format("argument of '{}'", builtinName(c.builtin)));
        break;
      case Builtin::Exp:
      case Builtin::Expm1:
      case Builtin::Ln:
      case Builtin::Log10:
      case Builtin::Sin:
      case Builtin::Cos:
      case Builtin::Tan:
      case Builtin::Sinh:
      case Builtin::Cosh:
      case Builtin::Tanh:
      case Builtin::Erf:
      case Builtin::Erfc:
        expectSame(c.args[0]->type, Type::real(), c.args[0]->loc,
                   fmt::format("argument of '{}'", builtinName(c.builtin)));
        expectSame(e.type, Type::real(), e.loc, fmt::format("result of '{}'", builtinName(c.builtin)));
        break;
      case Builtin::Convolve:
        if (!isa<KernelRef>(c.args[0].get()) && !isa<VarRef>(c.args[0].get()))
          fail(e.loc, "first argument of 'convolve' is not a kernel");
        if (!isa<PortRef>(c.args[1].get()))
          fail(e.loc, "second argument of 'convolve' is not a spike port");
        break;
      case Builtin::Steps:
        expectSame(c.args[0]->type, Type::real(msUnit()), c.args[0]->loc, "argument of 'steps'");
        expectSame(e.type, Type::integer(), e.loc, "result of 'steps'");
        break;
      case Builtin::Time:
      case Builtin::Resolution:
        expectSame(e.type, Type::real(msUnit()), e.loc,
                   fmt::format("result of '{}'", builtinName(c.builtin)));
        break;
      default:
        break;
      }
      return;
    }
    case ExprKind::UnitConvert: {
      auto &u = *cast<UnitConvert>(&e);
      if (!u.operand) {
        fail(e.loc, "conversion without operand");
        return;
      }
      expr(*u.operand);
      const Type &from = u.operand->type;
      if (!from.isNumeric() || from.kind != e.type.kind) {
        fail(e.loc, fmt::format("unit conversion from '{}' to '{}'", printType(from), printType(e.type)));
        return;
      }
      if (from.unit.dim != e.type.unit.dim) {
        fail(e.loc, fmt::format("unit conversion between different dimensions '{}' and '{}'",
                                printType(from), printType(e.type)));
        return;
      }
      double want = conversionFactor(from.unit, e.type.unit);
      if (!(std::fabs(u.factor - want) <= 1e-12 * std::fabs(want)))
        fail(e.loc, fmt::format("conversion factor {} from '{}' to '{}', expected {}",
                                formatReal(u.factor), printType(from), printType(e.type),
                                formatReal(want)));
      return;
    }
    case ExprKind::Cast: {
      auto &c = *cast<Cast>(&e);
      if (!c.operand) {
        fail(e.loc, "cast without operand");
        return;
      }
      expr(*c.operand);
      const Type &from = c.operand->type;
      bool ok = true;
      switch (c.castKind) {
      case CastKind::IntToReal:
        ok = from.kind == TypeKind::Int && e.type.kind == TypeKind::Real && from.unit.sameAs(e.type.unit);
        break;
      case CastKind::RealToInt:
        ok = from.kind == TypeKind::Real && e.type.kind == TypeKind::Int && from.unit.sameAs(e.type.unit);
        break;
      case CastKind::PrecisionCast:
        ok = from.kind == TypeKind::Real && e.type.kind == TypeKind::Real && from.unit.sameAs(e.type.unit);
        break;
      case CastKind::ReinterpretUnit:
        ok = from.isNumeric() && from.kind == e.type.kind &&
             (from.unit.isDimensionless() || e.type.unit.isDimensionless());
        break;
      }
      if (!ok)
        fail(e.loc, fmt::format("invalid {} from '{}' to '{}'", castKindName(c.castKind),
                                printType(from), printType(e.type)));
      return;
    }
    case ExprKind::List:
      for (const ExprPtr &x : cast<List>(&e)->elements) {
        if (!x) {
          fail(e.loc, "list with a missing element");
          continue;
        }
        expr(*x);
        expectSame(x->type, e.type, x->loc, "list element");
      }
      return;
    }
  }

  void block(const Block &b) {
    for (const StmtPtr &s : b) {
      if (!s) {
        fail({}, "null statement");
        continue;
      }
      stmt(*s);
    }
  }

  void assignTarget(VarId target, const Expr *index, const Expr *value, SourceRange loc) {
    if (!validVar(target, loc))
      return;
    const Variable &v = m_.variables[target];
    if (v.role == VarRole::Parameter)
      fail(loc, fmt::format("assignment to parameter '{}'", v.name));
    if (index) {
      expectIndex(*index);
      if (!v.vectorSize)
        fail(loc, fmt::format("index into scalar variable '{}'", v.name));
    }
    if (!value) {
      fail(loc, fmt::format("assignment to '{}' without a value", v.name));
      return;
    }
    expr(*value);
    expectSame(value->type, v.type, value->loc, fmt::format("value assigned to '{}'", v.name));
  }

  void stmt(const Stmt &s) {
    switch (s.kind) {
    case StmtKind::Assign: {
      auto &a = *cast<Assign>(&s);
      assignTarget(a.target, a.index.get(), a.value.get(), s.loc);
      return;
    }
    case StmtKind::If: {
      auto &i = *cast<If>(&s);
      if (!i.cond)
        fail(s.loc, "if without a condition");
      else {
        expr(*i.cond);
        expectBool(*i.cond, "condition of if");
      }
      block(i.thenBody);
      block(i.elseBody);
      return;
    }
    case StmtKind::For: {
      auto &f = *cast<For>(&s);
      if (!validVar(f.var, s.loc))
        return;
      const Type &vt = m_.variables[f.var].type;
      if (!vt.isNumeric())
        fail(s.loc, fmt::format("loop variable '{}' is not a number", m_.variables[f.var].name));
      for (const ExprPtr *x : {&f.from, &f.to, &f.step}) {
        if (!*x) {
          fail(s.loc, "for loop with a missing bound or step");
          continue;
        }
        expr(**x);
        expectSame((*x)->type, vt, (*x)->loc, "loop bound");
      }
      block(f.body);
      return;
    }
    case StmtKind::While: {
      auto &w = *cast<While>(&s);
      if (!w.cond)
        fail(s.loc, "while without a condition");
      else {
        expr(*w.cond);
        expectBool(*w.cond, "condition of while");
      }
      block(w.body);
      return;
    }
    case StmtKind::Return: {
      auto &r = *cast<Return>(&s);
      if (!function_) {
        fail(s.loc, "return outside a function");
        return;
      }
      bool isVoid = function_->returnType.kind == TypeKind::Void;
      if (!r.value) {
        if (!isVoid)
          fail(s.loc, fmt::format("return without a value in function '{}'", function_->name));
        return;
      }
      expr(*r.value);
      if (isVoid)
        fail(s.loc, fmt::format("return with a value in void function '{}'", function_->name));
      else
        expectSame(r.value->type, function_->returnType, r.value->loc,
                   fmt::format("value returned from '{}'", function_->name));
      return;
    }
    case StmtKind::EmitSpike:
      // Synapse models always transmit spikes (sema's decision: they need
      // no `output: spike`).
      if (!m_.outputSpike && m_.kind != ModelKind::Synapse)
        fail(s.loc, "emit_spike in a model without 'output: spike'");
      for (const ExprPtr &a : cast<EmitSpike>(&s)->args)
        if (a)
          expr(*a);
      return;
    case StmtKind::IntegrateOdes:
      for (VarId v : cast<IntegrateOdes>(&s)->vars)
        if (validVar(v, s.loc) && !m_.odes.equationFor(v))
          fail(s.loc, fmt::format("integrate_odes names '{}', which has no ODE", m_.variables[v].name));
      return;
    case StmtKind::CallStmt: {
      auto &c = *cast<CallStmt>(&s);
      if (!c.call || !isa<Call>(c.call.get()))
        fail(s.loc, "call statement without a call");
      else
        expr(*c.call);
      return;
    }
    case StmtKind::LocalDecl: {
      auto &d = *cast<LocalDecl>(&s);
      if (!validVar(d.var, s.loc))
        return;
      const Variable &v = m_.variables[d.var];
      if (v.role != VarRole::Local)
        fail(s.loc, fmt::format("local declaration of non-local variable '{}'", v.name));
      if (d.init) {
        expr(*d.init);
        expectSame(d.init->type, v.type, d.init->loc, fmt::format("initial value of '{}'", v.name));
      }
      return;
    }
    case StmtKind::ComputePropagator: {
      auto &c = *cast<ComputePropagator>(&s);
      size_t n2 = size_t(c.size) * c.size;
      if (c.size == 0 || c.matrix.size() != n2 || c.propagator.size() != n2 ||
          c.inputGain.size() != n2) {
        fail(s.loc, fmt::format("compute_propagator of size {} with {} matrix entries", c.size,
                                c.matrix.size()));
        return;
      }
      if (!(c.dtMs > 0))
        fail(s.loc, "compute_propagator with a step that is not positive");
      for (const ExprPtr &e : c.matrix)
        if (e) {
          expr(*e);
          if (e->type.kind != TypeKind::Real)
            fail(e->loc, "propagator matrix entry is not real");
        }
      for (size_t k = 0; k < n2; ++k)
        for (VarId v : {c.propagator[k], c.inputGain[k]})
          if (v != kNoVar && validVar(v, s.loc) && m_.variables[v].role != VarRole::Internal)
            fail(s.loc, fmt::format("propagator output '{}' is not an internal variable",
                                    m_.variables[v].name));
      return;
    }
    }
  }

  const Model &m_;
  std::vector<Violation> &out_;
  const Function *function_ = nullptr;
};

void verifySlice(const Network &n, const PopulationSlice &s, const std::string &what,
                 std::vector<Violation> &out, SourceRange loc) {
  if (s.population >= n.populations.size()) {
    out.push_back({fmt::format("in network '{}': {} names population {} of {}", n.name, what,
                               s.population, n.populations.size()), loc});
    return;
  }
  const Population &p = n.populations[s.population];
  if (s.begin >= s.end || s.end > p.size)
    out.push_back({fmt::format("in network '{}': {} slice [{}:{}] of '{}' (size {})", n.name, what,
                               s.begin, s.end, p.name, p.size), loc});
}

void verifyNetwork(const Module &mod, const Network &n, std::vector<Violation> &out) {
  auto fail = [&](SourceRange loc, std::string msg) {
    out.push_back({fmt::format("in network '{}': {}", n.name, msg), loc});
  };
  if (!(n.semantics.dtMs > 0))
    fail(n.loc, "dt is not positive");
  for (const Population &p : n.populations) {
    if (p.size == 0)
      fail(p.loc, fmt::format("population '{}' is empty", p.name));
    if (p.kind != PopulationKind::Model)
      continue;
    if (p.model >= mod.models.size()) {
      fail(p.loc, fmt::format("population '{}' names model {} of {}", p.name, p.model, mod.models.size()));
      continue;
    }
    const Model &m = *mod.models[p.model];
    if (m.semantics != p.semantics)
      fail(p.loc, fmt::format("population '{}' runs under other semantics than its model '{}'",
                              p.name, m.name));
    if (p.semantics.dtMs != n.semantics.dtMs)
      fail(p.loc, fmt::format("population '{}' has another dt than the network", p.name));
    for (const PopulationInit &i : p.inits) {
      if (i.var >= m.variables.size()) {
        fail(i.loc, fmt::format("initialiser '{}' of '{}' names no variable", i.name, p.name));
        continue;
      }
      if (!i.value)
        fail(i.loc, fmt::format("initialiser '{}' of '{}' has no value", i.name, p.name));
      else if (!i.value->type.sameAs(m.variables[i.var].type))
        fail(i.loc, fmt::format("initialiser '{}' of '{}' has type '{}', expected '{}'", i.name,
                                p.name, printType(i.value->type), printType(m.variables[i.var].type)));
    }
    for (const ConstantInput &c : p.constantInputs)
      if (c.port >= m.ports.size() || m.ports[c.port].kind != PortKind::Continuous)
        fail(p.loc, fmt::format("constant input '{}' of '{}' names no continuous port", c.portName, p.name));
  }
  for (const Projection &pr : n.projections) {
    verifySlice(n, pr.source, "projection source", out, pr.loc);
    verifySlice(n, pr.target, "projection target", out, pr.loc);
    if (pr.delaySteps == 0 || pr.delaySteps < -1)
      fail(pr.loc, fmt::format("projection delay of {} steps", pr.delaySteps));
    if ((pr.conn.rule == ConnectionRule::FixedProbability || pr.conn.rule == ConnectionRule::SmallWorld) &&
        !(pr.conn.probability >= 0 && pr.conn.probability <= 1))
      fail(pr.loc, "connection probability outside [0, 1]");
    if (pr.conn.rule == ConnectionRule::PairwiseBernoulli) {
      if (!pr.conn.pairProbability)
        fail(pr.loc, "pairwise_bernoulli without a probability expression");
      else if (std::string why = checkPairExpression(*pr.conn.pairProbability); !why.empty())
        fail(pr.loc, "pairwise_bernoulli probability with " + why);
    }
    if (pr.conn.rule == ConnectionRule::SmallWorld) {
      uint64_t ns = pr.source.end - pr.source.begin, nt = pr.target.end - pr.target.begin;
      if (ns != nt || pr.conn.count == 0 || pr.conn.count % 2 != 0 || pr.conn.count >= ns)
        fail(pr.loc, fmt::format("small_world with k = {} on a ring of {} -> {} neurons", pr.conn.count, ns, nt));
    }
    if (pr.target.population < n.populations.size()) {
      const Population &t = n.populations[pr.target.population];
      if (t.kind != PopulationKind::Model)
        fail(pr.loc, fmt::format("projection into source population '{}'", t.name));
      else if (t.model < mod.models.size()) {
        const Model &m = *mod.models[t.model];
        // Current sources drive continuous ports; everything else spike ports.
        bool current = pr.coupling != Coupling::None ||
                       (pr.source.population < n.populations.size() &&
                        isCurrentSource(n.populations[pr.source.population].kind));
        PortKind want = current ? PortKind::Continuous : PortKind::Spike;
        if (pr.port >= m.ports.size() || m.ports[pr.port].kind != want)
          fail(pr.loc, fmt::format("projection into '{}' names no {} port", t.name,
                                   current ? "continuous" : "spike"));
        if (pr.negativePort && (current || *pr.negativePort >= m.ports.size() ||
                                m.ports[*pr.negativePort].kind != PortKind::Spike))
          fail(pr.loc, fmt::format("projection into '{}' has an invalid negative-weight port",
                                   t.name));
      }
    }
    if (pr.coupling != Coupling::None) {
      const Population *s = pr.source.population < n.populations.size() ? &n.populations[pr.source.population] : nullptr;
      const Population *t = pr.target.population < n.populations.size() ? &n.populations[pr.target.population] : nullptr;
      if (!s || !t || s->kind != PopulationKind::Model || t->kind != PopulationKind::Model || pr.hasSynapse ||
          s->model >= mod.models.size() || pr.sourceVar >= mod.models[s->model]->variables.size() ||
          (pr.coupling == Coupling::GapJunction &&
           (t->model >= mod.models.size() || pr.targetVar >= mod.models[t->model]->variables.size() ||
            pr.sourcePort >= mod.models[s->model]->ports.size())))
        fail(pr.loc, "coupling projection between model populations names no variable or port");
    }
    if (pr.hasSynapse && pr.synapseModel >= mod.models.size())
      fail(pr.loc, "projection names no synapse model");
  }
  for (const Recorder &r : n.recorders) {
    verifySlice(n, r.target, "recorder", out, r.loc);
    if (r.intervalSteps == 0)
      fail(r.loc, fmt::format("recorder '{}' samples every 0 steps", r.label));
  }
  for (const SynapseRecorder &r : n.synapseRecorders) {
    if (r.projection >= n.projections.size() || !n.projections[r.projection].hasSynapse) {
      fail(r.loc, fmt::format("synapse recorder '{}' names no plastic projection", r.label));
      continue;
    }
    const PopulationSlice &t = n.projections[r.projection].target;
    if (t.population < n.populations.size() &&
        !(r.targetBegin < r.targetEnd && r.targetEnd <= n.populations[t.population].size))
      fail(r.loc, fmt::format("synapse recorder '{}' selects target neurons [{}, {}) outside the population",
                              r.label, r.targetBegin, r.targetEnd));
    if (r.intervalSteps == 0)
      fail(r.loc, fmt::format("recorder '{}' samples every 0 steps", r.label));
  }
}

void verifyAll(const Module &m, std::vector<Violation> &out) {
  std::set<std::string> names;
  for (const auto &model : m.models) {
    if (!names.insert(model->name).second)
      out.push_back({fmt::format("two models named '{}'", model->name), model->loc});
    ModelVerifier(*model, out).run();
  }
  for (const auto &n : m.networks)
    verifyNetwork(m, *n, out);
}

} // namespace

bool verifyModel(const Model &m, std::vector<std::string> *errors) {
  std::vector<Violation> out;
  ModelVerifier(m, out).run();
  if (errors)
    for (Violation &v : out)
      errors->push_back(std::move(v.message));
  return out.empty();
}

bool verifyModule(const Module &m, std::vector<std::string> *errors) {
  std::vector<Violation> out;
  verifyAll(m, out);
  if (errors)
    for (Violation &v : out)
      errors->push_back(std::move(v.message));
  return out.empty();
}

bool verifyModule(const Module &m, DiagnosticEngine &diags) {
  std::vector<Violation> out;
  verifyAll(m, out);
  for (Violation &v : out)
    diags.error(v.loc, "IR verifier: " + v.message);
  return out.empty();
}

} // namespace nsc::ir
