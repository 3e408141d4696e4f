//===- LowerKernels.cpp - kernel + convolve to state variables ------------===//
#include "nsc/passes/LowerKernels.h"

#include "nsc/ir/Printer.h"
#include "nsc/ir/IRWalk.h"
#include "nsc/passes/LinearForm.h"

#include <climits>
#include <map>
#include <optional>
#include <set>

namespace nsc::passes {

using namespace ir;

namespace {

/// A stand-in variable for `t` while a kernel's exponent is decomposed.
constexpr VarId kTimeVar = kNoVar - 1;

/// coeff · t^power · exp(rate · t); null coeff = 1, null rate = 0.
struct Term {
  ExprPtr coeff;
  unsigned power = 0;
  ExprPtr rate;
};
using Terms = std::vector<Term>;

bool isTime(const Expr &e) {
  auto *c = dyn_cast<Call>(&e);
  return c && c->builtin == Builtin::Time;
}

bool readsTime(const Expr &e) { return callsBuiltin(e, Builtin::Time); }

/// Splits a kernel's right-hand side into terms c·t^p·e^{a·t}.
class TermParser {
public:
  explicit TermParser(const Builder &b) : b_(b) {}
  std::string failure;
  const Expr *failedAt = nullptr;

  std::optional<Terms> parse(const Expr &e) {
    if (!readsTime(e)) {
      Terms t(1);
      t[0].coeff = e.clone();
      return t;
    }
    if (isTime(e)) {
      Terms t(1);
      t[0].power = 1;
      return t;
    }
    switch (e.kind) {
    case ExprKind::Call: {
      auto &c = *cast<Call>(&e);
      if (c.builtin != Builtin::Exp)
        return fail(e, std::string(builtinName(c.builtin)) + "() of t");
      ExprPtr arg = substitute(*c.args[0], [](const VarRef &) { return nullptr; });
      rewritePostOrder(arg, [&](ExprPtr &slot) {
        if (isTime(*slot))
          slot = std::make_unique<VarRef>(slot->type, kTimeVar);
      });
      auto form = decomposeLinear(*arg, [](VarId v) { return v == kTimeVar; }, b_);
      if (!form)
        return fail(e, "exp() of an expression that is not linear in t");
      Terms t(1);
      if (form->offset)
        t[0].coeff = b_.call(Builtin::Exp, [&] {
          std::vector<ExprPtr> a;
          a.push_back(std::move(form->offset));
          return a;
        }(), c.type);
      if (!form->terms.empty())
        t[0].rate = std::move(form->terms[0].coeff);
      return t;
    }
    case ExprKind::Unary: {
      auto &u = *cast<Unary>(&e);
      if (u.op != UnaryOp::Neg)
        return fail(e, "a non-arithmetic operation on t");
      auto t = parse(*u.operand);
      if (t)
        for (Term &x : *t)
          x.coeff = b_.neg(coeffOrOne(x));
      return t;
    }
    case ExprKind::Binary: {
      auto &bin = *cast<Binary>(&e);
      if (bin.op == BinaryOp::Add || bin.op == BinaryOp::Sub) {
        auto l = parse(*bin.lhs), r = parse(*bin.rhs);
        if (!l || !r)
          return std::nullopt;
        for (Term &x : *r) {
          if (bin.op == BinaryOp::Sub)
            x.coeff = b_.neg(coeffOrOne(x));
          l->push_back(std::move(x));
        }
        return l;
      }
      if (bin.op == BinaryOp::Mul) {
        auto l = parse(*bin.lhs), r = parse(*bin.rhs);
        if (!l || !r)
          return std::nullopt;
        Terms out;
        for (Term &x : *l)
          for (Term &y : *r) {
            Term z;
            z.power = x.power + y.power;
            z.coeff = !x.coeff ? (y.coeff ? y.coeff->clone() : nullptr)
                      : !y.coeff ? x.coeff->clone()
                                 : b_.mul(x.coeff->clone(), y.coeff->clone());
            z.rate = !x.rate ? (y.rate ? y.rate->clone() : nullptr)
                     : !y.rate ? x.rate->clone()
                               : b_.add(x.rate->clone(), b_.coerce(y.rate->clone(), x.rate->type));
            out.push_back(std::move(z));
          }
        return out;
      }
      if (bin.op == BinaryOp::Div) {
        if (readsTime(*bin.rhs))
          return fail(e, "division by an expression of t");
        auto l = parse(*bin.lhs);
        if (l)
          for (Term &x : *l)
            x.coeff = b_.div(coeffOrOne(x), bin.rhs->clone());
        return l;
      }
      if (bin.op == BinaryOp::Pow && isTime(*bin.lhs)) {
        double p;
        if (evaluateConstant(*bin.rhs, p) && p >= 0 && p <= 8 && p == double(unsigned(p))) {
          Terms t(1);
          t[0].power = unsigned(p);
          return t;
        }
      }
      return fail(e, std::string("operator '") + binaryOpName(bin.op) + "' on t");
    }
    case ExprKind::UnitConvert: {
      auto &c = *cast<UnitConvert>(&e);
      auto t = parse(*c.operand);
      if (t)
        for (Term &x : *t) {
          ExprPtr k = coeffOrOne(x);
          Type ty = k->type;
          ty.unit = ty.unit * (e.type.unit / c.operand->type.unit);
          x.coeff = std::make_unique<UnitConvert>(ty, std::move(k), c.factor);
        }
      return t;
    }
    case ExprKind::Cast: {
      auto &c = *cast<Cast>(&e);
      if (c.castKind != CastKind::ReinterpretUnit && c.castKind != CastKind::PrecisionCast)
        return fail(e, "a conversion of t to integer");
      auto t = parse(*c.operand);
      if (t)
        for (Term &x : *t) {
          ExprPtr k = coeffOrOne(x);
          Type ty = k->type;
          ty.unit = ty.unit * (e.type.unit / c.operand->type.unit);
          x.coeff = std::make_unique<Cast>(ty, c.castKind, std::move(k));
        }
      return t;
    }
    default: return fail(e, "an expression of t");
    }
  }

private:
  ExprPtr coeffOrOne(Term &x) const { return x.coeff ? std::move(x.coeff) : b_.real(1.0); }
  std::optional<Terms> fail(const Expr &at, std::string why) {
    if (!failedAt) {
      failedAt = &at;
      failure = std::move(why);
    }
    return std::nullopt;
  }
  const Builder &b_;
};

/// The pieces of one lowered convolution.
struct Lowered {
  ExprPtr value;               // replaces convolve(K, port)
  std::vector<StmtPtr> jumps;  // run when a spike arrives on the port
  bool isDelta = false;        // value is handled by jumps of the ODE variable
  ExprPtr deltaScale;          // kernel = deltaScale·delta(t)
};

class KernelLowerer {
public:
  KernelLowerer(Module &mod, uint32_t modelIndex, PassContext &ctx)
      : mod_(mod), modelIndex_(modelIndex), m_(*mod.models[modelIndex]), b_(m_), ctx_(ctx) {}

  bool run() {
    if (m_.odes.kernels.empty())
      return true;
    // 1. Lower every distinct (kernel, port, element) once.
    // Collected first: lowering adds variables and equations, which would
    // move the tables the walk is iterating over (the nodes stay put).
    std::vector<const Call *> convolutions;
    forEachRootExpr(m_, [&](ExprPtr &root) {
      forEachNode(*root, [&](const Expr &n) {
        if (auto *c = dyn_cast<Call>(&n); c && c->builtin == Builtin::Convolve)
          convolutions.push_back(c);
      });
    });
    bool ok = true;
    for (const Call *c : convolutions)
      ok = lower(*c) && ok;
    if (!ok)
      return false;
    // 2. Delta kernels inside ODE right-hand sides become jumps of the ODE variable.
    for (OdeEquation &eq : m_.odes.equations)
      ok = lowerDeltas(eq) && ok;
    if (!ok)
      return false;
    // 3. Replace the convolutions.
    unsigned replaced = 0;
    forEachRootExpr(m_, [&](ExprPtr &root) {
      rewritePostOrder(root, [&](ExprPtr &slot) {
        auto *c = dyn_cast<Call>(slot.get());
        if (!c || c->builtin != Builtin::Convolve)
          return;
        Lowered &l = lowered_.at(key(*c));
        Type want = c->type;
        ExprPtr v = l.isDelta ? b_.real(0.0, want.unit) : b_.coerce(l.value->clone(), want);
        v->loc = c->loc;
        slot = std::move(v);
        ++replaced;
      });
    });
    // 4. Jumps: one handler per port, ahead of the user's handlers.
    std::map<uint32_t, Block> jumpsByPort;
    for (auto &[k, l] : lowered_)
      for (StmtPtr &s : l.jumps)
        jumpsByPort[portOf_.at(k)].push_back(std::move(s));
    for (auto &[port, stmts] : deltaJumps_)
      for (StmtPtr &s : stmts)
        jumpsByPort[port].push_back(std::move(s));
    std::vector<OnReceive> handlers;
    for (auto &[port, body] : jumpsByPort) {
      OnReceive r;
      r.port = port;
      r.priority = INT64_MAX;
      r.body = std::move(body);
      r.loc = m_.ports[port].loc;
      handlers.push_back(std::move(r));
    }
    for (OnReceive &r : m_.onReceive)
      handlers.push_back(std::move(r));
    m_.onReceive = std::move(handlers);
    // 5. Named integrate_odes calls advance the kernel variables too (R10).
    for (Block *blk : modelBlocks(m_))
      forEachStmt(*blk, [&](Stmt &s) {
        if (auto *io = dyn_cast<IntegrateOdes>(&s); io && !io->vars.empty())
          for (VarId v : newStates_)
            io->vars.push_back(v);
      });
    m_.odes.kernels.clear();
    ctx_.changed(replaced, "replaced", "convolutions");
    ctx_.changed(unsigned(newStates_.size()), "added", "kernel state variables");
    return true;
  }

private:
  std::string key(const Call &c) const {
    auto *k = cast<KernelRef>(c.args[0].get());
    auto *p = cast<PortRef>(c.args[1].get());
    return std::to_string(k->kernel) + "/" + std::to_string(p->port) + "/" +
           (p->index ? printExpr(*p->index, &m_) : std::string());
  }

  std::string stateName(const Call &c, const std::string &suffix) const {
    auto *k = cast<KernelRef>(c.args[0].get());
    auto *p = cast<PortRef>(c.args[1].get());
    std::string port = m_.ports[p->port].name;
    if (p->index)
      port += "[" + printExpr(*p->index, &m_) + "]";
    return m_.odes.kernels[k->kernel].name + "__X__" + port + suffix;
  }

  VarId newState(const std::string &name, units::Unit unit) {
    VarId v = b_.addVariable(name, VarRole::State, b_.realType(unit), b_.real(0.0, unit));
    m_.variables[v].loc = m_.loc;
    if (!m_.initOrder.empty())
      m_.initOrder.push_back(v);
    newStates_.push_back(v);
    return v;
  }

  ExprPtr portValue(const PortRef &p) const {
    return b_.port(p.port, p.index ? p.index->clone() : nullptr);
  }

  /// The port's weight as a number of its weight unit: a port declared
  /// without a unit reads as a spike train (1/s) but its weights are plain
  /// numbers (language.md §3.3).
  ExprPtr weightValue(const PortRef &p) const {
    ExprPtr w = portValue(p);
    if (m_.ports[p.port].declaredType)
      return w;
    return b_.coerce(std::move(w), b_.realType());
  }

  bool lower(const Call &c) {
    auto *kr = dyn_cast<KernelRef>(c.args[0].get());
    auto *pr = dyn_cast<PortRef>(c.args[1].get());
    if (!kr || !pr || kr->kernel >= m_.odes.kernels.size()) {
      ctx_.diags().error(c.loc, "convolve() needs a kernel and a spike port");
      return false;
    }
    std::string k = key(c);
    if (lowered_.count(k))
      return true;
    // One report per convolution and per kernel, however often they occur.
    if (failed_.count(k) || failed_.count(std::to_string(kr->kernel)))
      return false;
    if (pr->index) {
      double idx;
      if (!evaluateConstant(*pr->index, idx)) {
        ctx_.diags().error(pr->index->loc,
                           "convolve() with a vector port needs a constant element index");
        failed_.insert(k);
        return false;
      }
    }
    portOf_[k] = pr->port;
    const Kernel &kern = m_.odes.kernels[kr->kernel];
    Lowered l;
    units::Unit w = pr->type.unit;
    bool ok = kern.order == 0 && kern.rhs && callsBuiltin(*kern.rhs, Builtin::Delta)
                  ? lowerDeltaKernel(kern, l)
              : kern.order == 0 ? lowerDirect(c, kern, *pr, w, l)
                                : lowerOdeKernel(c, kr->kernel, *pr, w, l);
    if (!ok) {
      failed_.insert(std::to_string(kr->kernel));
      return false;
    }
    lowered_[k] = std::move(l);
    return true;
  }

  bool lowerDeltaKernel(const Kernel &kern, Lowered &l) {
    // c·delta(t): c is the factor multiplying a single delta(t). delta(t)
    // is typed 1/ms, so lowering wraps the kernel in a unit
    // reinterpretation; the number is the same, look through it.
    auto peel = [](const Expr *x) {
      while (auto *cast = dyn_cast<Cast>(x))
        if (cast->castKind == CastKind::ReinterpretUnit || cast->castKind == CastKind::PrecisionCast)
          x = cast->operand.get();
        else
          break;
      return x;
    };
    auto isDelta = [&](const Expr &x) {
      auto *cc = dyn_cast<Call>(peel(&x));
      return cc && cc->builtin == Builtin::Delta;
    };
    const Expr *e = peel(kern.rhs.get());
    ExprPtr scale;
    bool alone = isDelta(*e);
    if (auto *bin = dyn_cast<Binary>(e); bin && bin->op == BinaryOp::Mul) {
      if (isDelta(*bin->rhs) && !callsBuiltin(*bin->lhs, Builtin::Delta))
        scale = bin->lhs->clone();
      else if (isDelta(*bin->lhs) && !callsBuiltin(*bin->rhs, Builtin::Delta))
        scale = bin->rhs->clone();
    }
    if (!scale && !alone) {
      ctx_.diags().error(kern.rhs->loc, "kernel '" + kern.name +
                                            "' mixes delta(t) with other terms; write delta(t) "
                                            "alone or multiplied by a constant");
      return false;
    }
    l.isDelta = true;
    l.deltaScale = std::move(scale);
    return true;
  }

  bool lowerDirect(const Call &c, const Kernel &kern, const PortRef &pr, units::Unit w, Lowered &l) {
    TermParser parser(b_);
    auto terms = kern.rhs ? parser.parse(*kern.rhs) : std::nullopt;
    if (!terms) {
      SourceRange at = parser.failedAt ? parser.failedAt->loc : kern.loc;
      ctx_.diags()
          .error(at, "kernel '" + kern.name + "' is not a sum of terms c*t**n*exp(a*t): it has " +
                         parser.failure)
          .note(kern.loc, "write the kernel as a linear ODE instead: kernel " + kern.name +
                              "' = ... with initial values in 'state:'");
      return false;
    }
    // Group by rate; each group is one chain z_0..z_P.
    struct Chain {
      const Expr *rate;
      unsigned length = 0;
      std::vector<VarId> vars;
    };
    std::vector<Chain> chains;
    std::vector<unsigned> chainOf;
    for (const Term &t : *terms) {
      std::string rk = t.rate ? printExpr(*t.rate, &m_) : "0";
      unsigned idx = 0;
      while (idx < chains.size() &&
             (chains[idx].rate ? printExpr(*chains[idx].rate, &m_) : "0") != rk)
        ++idx;
      if (idx == chains.size())
        chains.push_back({t.rate.get(), 0, {}});
      chains[idx].length = std::max(chains[idx].length, t.power + 1);
      chainOf.push_back(idx);
    }
    units::Unit ms = msUnit();
    for (unsigned ci = 0; ci < chains.size(); ++ci) {
      Chain &ch = chains[ci];
      std::string base = chains.size() > 1 ? "__" + std::to_string(ci) : "";
      for (unsigned j = 0; j < ch.length; ++j)
        ch.vars.push_back(newState(stateName(c, base + (j ? "__d" + std::to_string(j) : "")),
                                   w * ms.pow(int(j))));
      for (unsigned j = 0; j < ch.length; ++j) {
        const Type &zt = m_.variables[ch.vars[j]].type;
        ExprPtr rhs;
        if (ch.rate)
          rhs = b_.coerce(b_.mul(ch.rate->clone(), b_.var(ch.vars[j])), derivativeType(zt, 1));
        if (j > 0) {
          ExprPtr prev = b_.coerce(b_.var(ch.vars[j - 1]), derivativeType(zt, 1));
          rhs = rhs ? b_.add(std::move(rhs), std::move(prev)) : std::move(prev);
        }
        if (!rhs)
          rhs = b_.real(0.0, derivativeType(zt, 1).unit);
        b_.addOde(ch.vars[j], 1, std::move(rhs));
        m_.odes.equations.back().loc = kern.loc;
      }
      l.jumps.push_back(jump(ch.vars[0], portValue(pr)));
    }
    // The convolution's value: Σ c·p!·z_p.
    ExprPtr sum;
    for (size_t i = 0; i < terms->size(); ++i) {
      Term &t = (*terms)[i];
      ExprPtr z = b_.var(chains[chainOf[i]].vars[t.power]);
      double fact = 1;
      for (unsigned f = 2; f <= t.power; ++f)
        fact *= f;
      if (fact != 1)
        z = b_.mul(b_.real(fact), std::move(z));
      ExprPtr term = t.coeff ? b_.mul(std::move(t.coeff), std::move(z)) : std::move(z);
      term = b_.coerce(std::move(term), c.type);
      sum = sum ? b_.add(std::move(sum), std::move(term)) : std::move(term);
    }
    l.value = std::move(sum);
    return true;
  }

  bool lowerOdeKernel(const Call &c, uint32_t kernelIndex, const PortRef &pr, units::Unit w,
                      Lowered &l) {
    // The kernel group: this kernel and every ODE kernel whose variables its
    // right-hand side reads, transitively.
    std::vector<uint32_t> group{kernelIndex};
    for (size_t gi = 0; gi < group.size(); ++gi) {
      const Kernel &k = m_.odes.kernels[group[gi]];
      if (!k.rhs)
        continue;
      for (VarId v : variablesRead(*k.rhs))
        for (uint32_t other = 0; other < m_.odes.kernels.size(); ++other) {
          const Kernel &o = m_.odes.kernels[other];
          if (o.order == 0 || std::find(group.begin(), group.end(), other) != group.end())
            continue;
          if (baseName(m_.variables[v].name) == o.name)
            group.push_back(other);
        }
    }
    // Copies of each kernel's variables g, g', ..., g^(order−1), one set
    // per port element: a kernel of the group that an earlier convolution
    // with this port already copied is reused, not copied again. A copy
    // keeps the unit of g and holds w·g as a number; the convolution reads
    // it in unit(g)·unit(w).
    std::string portKey = key(c).substr(key(c).find('/'));
    std::map<VarId, VarId> copyOf;
    std::vector<std::vector<VarId>> origs(group.size()), copies(group.size());
    std::vector<bool> fresh(group.size(), true);
    for (size_t gi = 0; gi < group.size(); ++gi) {
      const Kernel &k = m_.odes.kernels[group[gi]];
      auto done = odeCopies_.find(std::to_string(group[gi]) + portKey);
      fresh[gi] = done == odeCopies_.end();
      for (unsigned j = 0; j < k.order; ++j) {
        auto v = m_.findVariable(k.name + std::string(j, '\''));
        if (!v) {
          ctx_.diags().error(k.loc, "kernel '" + k.name + "' needs an initial value for '" + k.name +
                                        std::string(j, '\'') + "' in 'state:'");
          return false;
        }
        VarId cv;
        if (fresh[gi]) {
          std::string portName = stateName(c, "");
          portName = portName.substr(portName.find("__X__"));
          cv = newState(k.name + std::string(j, '\'') + portName, m_.variables[*v].type.unit);
        } else {
          cv = done->second[j];
        }
        copyOf[*v] = cv;
        origs[gi].push_back(*v);
        copies[gi].push_back(cv);
      }
      odeCopies_[std::to_string(group[gi]) + portKey] = copies[gi];
    }
    for (size_t gi = 0; gi < group.size(); ++gi) {
      const Kernel &k = m_.odes.kernels[group[gi]];
      for (unsigned j = 0; fresh[gi] && j < k.order; ++j) {
        VarId cv = copies[gi][j];
        const Type &ct = m_.variables[cv].type;
        ExprPtr rhs;
        if (j + 1 < k.order) {
          rhs = b_.coerce(b_.var(copies[gi][j + 1]), derivativeType(ct, 1));
        } else {
          ExprPtr r = substitute(*k.rhs, [&](const VarRef &ref) -> ExprPtr {
            auto it = copyOf.find(ref.var);
            return it == copyOf.end() ? nullptr : b_.var(it->second);
          });
          rewritePostOrder(r, [&](ExprPtr &slot) {
            if (auto *d = dyn_cast<Derivative>(slot.get())) {
              auto it = copyOf.find(d->var);
              if (it != copyOf.end() && d->order == 1) {
                // g' of a copy: the next variable of its chain.
                for (size_t g2 = 0; g2 < group.size(); ++g2)
                  for (size_t j2 = 0; j2 + 1 < copies[g2].size(); ++j2)
                    if (copies[g2][j2] == it->second)
                      slot = b_.var(copies[g2][j2 + 1]);
              }
            }
          });
          rhs = b_.coerce(std::move(r), derivativeType(ct, 1));
        }
        b_.addOde(cv, 1, std::move(rhs));
        m_.odes.equations.back().loc = k.loc;
        const Variable &orig = m_.variables[origs[gi][j]];
        ExprPtr init = orig.init ? orig.init->clone() : b_.real(0.0, orig.type.unit);
        ExprPtr wNumber = b_.coerce(portValue(pr), b_.realType());
        l.jumps.push_back(jump(cv, b_.mul(std::move(wNumber), std::move(init))));
      }
    }
    l.value = b_.var(copyOf.at(*m_.findVariable(m_.odes.kernels[kernelIndex].name)));
    // unit(g) -> unit(g)·unit(w): a reinterpretation where one of them is
    // dimensionless (replaceConvolutions coerces), else a factor 1 unit(w).
    units::Unit g = l.value->type.unit;
    units::Unit wu = m_.ports[pr.port].declaredType ? w : units::Unit::dimensionless();
    if (!g.isDimensionless() && !(g * wu).isDimensionless() && !wu.isDimensionless())
      l.value = b_.mul(std::move(l.value), b_.real(1.0, wu));
    return true;
  }

  static std::string baseName(const std::string &n) {
    size_t p = n.find('\'');
    return p == std::string::npos ? n : n.substr(0, p);
  }

  StmtPtr jump(VarId v, ExprPtr amount) {
    const Type &t = m_.variables[v].type;
    ExprPtr a = b_.coerce(std::move(amount), t);
    return b_.assign(v, b_.add(b_.var(v), std::move(a)));
  }

  /// Removes delta convolutions from an ODE's rhs; the variable jumps instead.
  bool lowerDeltas(OdeEquation &eq) {
    if (!eq.rhs)
      return true;
    bool has = false;
    forEachNode(*eq.rhs, [&](const Expr &n) {
      if (auto *c = dyn_cast<Call>(&n); c && c->builtin == Builtin::Convolve)
        has = has || lowered_.at(key(*c)).isDelta;
    });
    if (!has)
      return true;
    if (eq.order != 1) {
      ctx_.diags().error(eq.loc, "a delta kernel can only drive a first-order ODE");
      return false;
    }
    // Stand-in variables for each delta convolution, then decompose.
    std::map<VarId, const Call *> standIn;
    VarId next = kNoVar - 2;
    rewritePostOrder(eq.rhs, [&](ExprPtr &slot) {
      auto *c = dyn_cast<Call>(slot.get());
      if (!c || c->builtin != Builtin::Convolve || !lowered_.at(key(*c)).isDelta)
        return;
      auto *call = cast<Call>(slot.release());
      standIn[next] = call;
      slot = std::make_unique<VarRef>(call->type, next--);
    });
    auto isStandIn = [&](VarId v) { return standIn.count(v) > 0; };
    NonLinearity why;
    auto form = decomposeLinear(*eq.rhs, isStandIn, b_, &why);
    if (!form) {
      ctx_.diags().error(why.at ? why.at->loc : eq.loc,
                         "a delta-kernel convolution must enter the ODE of '" +
                             m_.variables[eq.var].name + "' linearly");
      for (auto &[v, c] : standIn)
        delete c;
      return false;
    }
    const Type &xt = m_.variables[eq.var].type;
    for (LinearTerm &t : form->terms) {
      const Call *c = standIn.at(t.var);
      Lowered &l = lowered_.at(key(*c));
      auto *pr = cast<PortRef>(c->args[1].get());
      // ∫ coeff·scale·w·δ(t) dt = coeff·scale·w, in unit(x): delta's 1/ms
      // cancels the rhs's 1/ms.
      ExprPtr w = weightValue(*pr);
      if (l.deltaScale)
        w = b_.mul(l.deltaScale->clone(), std::move(w));
      // The product is in unit(x)/ms: delta(t) is typed dimensionless (as in
      // NESTML), so its 1/ms is implicit; integrating it over the spike
      // gives the factor 1 ms that makes the jump a unit(x).
      ExprPtr amount = b_.mul(b_.mul(std::move(t.coeff), std::move(w)), b_.real(1.0, msUnit()));
      deltaJumps_[pr->port].push_back(jump(eq.var, std::move(amount)));
      delete c;
    }
    eq.rhs = form->offset ? std::move(form->offset)
                          : b_.real(0.0, derivativeType(xt, 1).unit);
    eq.rhs = b_.coerce(std::move(eq.rhs), derivativeType(xt, 1));
    return true;
  }

  Module &mod_;
  uint32_t modelIndex_;
  Model &m_;
  Builder b_;
  PassContext &ctx_;
  std::map<std::string, Lowered> lowered_;
  std::map<std::string, uint32_t> portOf_;
  std::map<uint32_t, std::vector<StmtPtr>> deltaJumps_;
  std::vector<VarId> newStates_;
  /// (kernel index + port key) -> copies of that ODE kernel's variables.
  std::map<std::string, std::vector<VarId>> odeCopies_;
  /// Keys of convolutions, and kernel indices, already reported as errors.
  std::set<std::string> failed_;
};

} // namespace

bool LowerKernelsPass::run(Module &module, PassContext &ctx) {
  bool ok = true;
  for (uint32_t i = 0; i < module.models.size(); ++i)
    ok = KernelLowerer(module, i, ctx).run() && ok;
  return ok;
}

} // namespace nsc::passes
