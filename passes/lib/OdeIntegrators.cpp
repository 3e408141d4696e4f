//===- OdeIntegrators.cpp - Emit one solver step as IR statements ---------===//
#include "OdeIntegrators.h"

#include "nsc/numerics/MatrixExponential.h"
#include "nsc/ir/IRWalk.h"

#include <cmath>

namespace nsc::passes {

using namespace ir;

int FirstOrderSystem::indexOf(VarId v) const {
  for (size_t i = 0; i < vars.size(); ++i)
    if (vars[i] == v)
      return int(i);
  return -1;
}

IntegratorEmitter::IntegratorEmitter(Model &m, const FirstOrderSystem &sys, double dtMs)
    : m_(m), b_(m), sys_(sys), dt_(dtMs) {}

Type IntegratorEmitter::typeOf(unsigned i) const { return m_.variables[sys_.vars[i]].type; }

ExprPtr IntegratorEmitter::h() const { return b_.real(dt_, msUnit()); }

VarId IntegratorEmitter::local(const std::string &name, const Type &t, Block &out, ExprPtr init) {
  VarId v = b_.addVariable(name, VarRole::Local, t);
  out.push_back(b_.localDecl(v, init ? b_.coerce(std::move(init), m_.variables[v].type) : nullptr));
  return v;
}

ExprPtr IntegratorEmitter::rhsAt(unsigned i, const std::map<unsigned, VarId> &stage,
                                 const Expr *timeOffset) const {
  ExprPtr e = substitute(*sys_.rhs[i], [&](const VarRef &r) -> ExprPtr {
    int k = sys_.indexOf(r.var);
    if (k < 0)
      return nullptr;
    auto it = stage.find(unsigned(k));
    return it == stage.end() ? nullptr : b_.var(it->second);
  });
  if (timeOffset)
    rewritePostOrder(e, [&](ExprPtr &slot) {
      auto *c = dyn_cast<Call>(slot.get());
      if (c && c->builtin == Builtin::Time)
        slot = b_.add(std::move(slot), b_.coerce(timeOffset->clone(), Type::real(msUnit())));
    });
  return e;
}

//===----------------------------------------------------------------------===//
// exact
//===----------------------------------------------------------------------===//

void IntegratorEmitter::exact(const std::vector<unsigned> &vars, std::vector<LinearForm> &forms,
                              Block &out, std::map<unsigned, VarId> &next) {
  unsigned n = unsigned(vars.size());
  auto pos = [&](VarId v) -> int {
    for (unsigned k = 0; k < n; ++k)
      if (sys_.vars[vars[k]] == v)
        return int(k);
    return -1;
  };
  // A (expressions) and its structure.
  std::vector<ExprPtr> A(size_t(n) * n);
  std::vector<bool> nonzero(size_t(n) * n, false);
  bool constant = true;
  numerics::Matrix Anum(n);
  for (unsigned i = 0; i < n; ++i)
    for (LinearTerm &t : forms[i].terms) {
      int j = pos(t.var);
      size_t k = size_t(i) * n + unsigned(j);
      // Coefficients in unit(x_i)/(ms·unit(x_j)) exactly, so the numbers are
      // the ones the propagator is computed from.
      Type want = Type::real(typeOf(vars[i]).unit / (msUnit() * typeOf(vars[unsigned(j)]).unit),
                             typeOf(vars[i]).precision);
      A[k] = b_.coerce(std::move(t.coeff), want);
      double v;
      if (evaluateConstant(*A[k], v)) {
        Anum(i, unsigned(j)) = v;
        nonzero[k] = v != 0.0;
      } else {
        constant = false;
        nonzero[k] = true;
      }
    }
  std::vector<bool> reach = numerics::reachability(n, nonzero);
  lastRuntime_ = !constant;

  // Inputs b_i (constant over the step), evaluated once.
  std::vector<VarId> input(n, kNoVar);
  for (unsigned i = 0; i < n; ++i)
    if (forms[i].offset) {
      Type bt = derivativeType(typeOf(vars[i]), 1);
      input[i] = local("b." + m_.variables[sys_.vars[vars[i]]].name, bt, out,
                       std::move(forms[i].offset));
    }

  // Coefficients: literals now, or internals computed in `prepare`.
  auto unitP = [&](unsigned i, unsigned j) { return typeOf(vars[i]).unit / typeOf(vars[j]).unit; };
  auto unitM = [&](unsigned i, unsigned j) { return unitP(i, j) * msUnit(); };
  std::vector<ExprPtr> P(size_t(n) * n), M(size_t(n) * n);
  if (constant) {
    numerics::Matrix Pn, Mn;
    if (!numerics::propagator(Anum, dt_, Pn, Mn)) {
      // Non-finite A: leave NaN coefficients, the run reports the NaN state.
      Pn = numerics::Matrix(n);
      Mn = numerics::Matrix(n);
      for (double &x : Pn.a)
        x = NAN;
      for (double &x : Mn.a)
        x = NAN;
    }
    for (unsigned i = 0; i < n; ++i)
      for (unsigned j = 0; j < n; ++j)
        if (reach[size_t(i) * n + j]) {
          P[size_t(i) * n + j] = b_.real(Pn(i, j), unitP(i, j));
          M[size_t(i) * n + j] = b_.real(Mn(i, j), unitM(i, j));
        }
  } else {
    auto cp = std::make_unique<ComputePropagator>();
    cp->size = n;
    cp->dtMs = dt_;
    cp->propagator.assign(size_t(n) * n, kNoVar);
    cp->inputGain.assign(size_t(n) * n, kNoVar);
    unsigned id = propagatorCount_++;
    for (unsigned i = 0; i < n; ++i)
      for (unsigned j = 0; j < n; ++j) {
        size_t k = size_t(i) * n + j;
        cp->matrix.push_back(std::move(A[k]));
        if (!reach[k])
          continue;
        std::string pair = m_.variables[sys_.vars[vars[i]]].name + "," +
                           m_.variables[sys_.vars[vars[j]]].name;
        std::string suffix = id ? "#" + std::to_string(id) : "";
        VarId pv = b_.addVariable("P[" + pair + "]" + suffix, VarRole::Internal,
                                  Type::real(unitP(i, j)));
        cp->propagator[k] = pv;
        P[k] = b_.var(pv);
        if (input[j] != kNoVar) {
          VarId mv = b_.addVariable("M[" + pair + "]" + suffix, VarRole::Internal,
                                    Type::real(unitM(i, j)));
          cp->inputGain[k] = mv;
          M[k] = b_.var(mv);
        }
      }
    prepare_.push_back(std::move(cp));
  }

  // x_i(t+dt) = Σ_j P_ij·x_j + Σ_j M_ij·b_j, in ascending j.
  for (unsigned i = 0; i < n; ++i) {
    Type xt = typeOf(vars[i]);
    ExprPtr sum;
    auto add = [&](ExprPtr term) {
      term = b_.coerce(std::move(term), xt);
      sum = sum ? b_.add(std::move(sum), std::move(term)) : std::move(term);
    };
    for (unsigned j = 0; j < n; ++j)
      if (P[size_t(i) * n + j])
        add(b_.mul(P[size_t(i) * n + j]->clone(), b_.var(sys_.vars[vars[j]])));
    for (unsigned j = 0; j < n; ++j)
      if (input[j] != kNoVar && M[size_t(i) * n + j])
        add(b_.mul(M[size_t(i) * n + j]->clone(), b_.var(input[j])));
    next[vars[i]] = local(m_.variables[sys_.vars[vars[i]]].name + ".next", xt, out, std::move(sum));
  }
}

//===----------------------------------------------------------------------===//
// exponential Euler
//===----------------------------------------------------------------------===//

void IntegratorEmitter::expEuler(const std::vector<unsigned> &vars, Block &out,
                                 std::map<unsigned, VarId> &next) {
  units::Unit perMs = units::Unit::dimensionless() / msUnit();
  for (unsigned i : vars) {
    VarId x = sys_.vars[i];
    // A copy: local() adds variables, which may move the table.
    const std::string name = m_.variables[x].name;
    Type xt = typeOf(i);
    auto form = decomposeLinear(*sys_.rhs[i], [&](VarId v) { return v == x; }, b_);
    VarId f = local("f." + name, derivativeType(xt, 1), out, sys_.rhs[i]->clone());
    ExprPtr step; // ms: (e^{a·dt} − 1)/a, or dt where a == 0
    if (form && form->find(x)) {
      ExprPtr a = b_.coerce(form->find(x)->coeff->clone(), b_.realType(perMs));
      VarId av = local("a." + name, b_.realType(perMs), out, std::move(a));
      ExprPtr ah = b_.mul(b_.var(av), h());
      ExprPtr phi = b_.div(b_.call(Builtin::Expm1, [&] {
        std::vector<ExprPtr> args;
        args.push_back(std::move(ah));
        return args;
      }(), b_.realType()), b_.var(av));
      ExprPtr isZero = b_.binary(BinaryOp::Eq, b_.var(av), b_.real(0.0, perMs));
      step = b_.select(std::move(isZero), h(), b_.coerce(std::move(phi), b_.realType(msUnit())));
    } else {
      step = h(); // no self-coupling: the explicit Euler step is exact for b constant
    }
    ExprPtr inc = b_.coerce(b_.mul(b_.var(f), std::move(step)), xt);
    next[i] = local(name + ".next", xt, out, b_.add(b_.var(x), std::move(inc)));
  }
}

//===----------------------------------------------------------------------===//
// euler, rk4
//===----------------------------------------------------------------------===//

void IntegratorEmitter::euler(const std::vector<unsigned> &vars, Block &out,
                              std::map<unsigned, VarId> &next) {
  std::vector<VarId> k;
  for (unsigned i : vars)
    k.push_back(local("k1." + m_.variables[sys_.vars[i]].name, derivativeType(typeOf(i), 1), out,
                      rhsAt(i, {}, nullptr)));
  for (size_t q = 0; q < vars.size(); ++q) {
    unsigned i = vars[q];
    ExprPtr inc = b_.coerce(b_.mul(h(), b_.var(k[q])), typeOf(i));
    next[i] = local(m_.variables[sys_.vars[i]].name + ".next", typeOf(i), out,
                    b_.add(b_.var(sys_.vars[i]), std::move(inc)));
  }
}

void IntegratorEmitter::rk4(const std::vector<unsigned> &vars, Block &out,
                            std::map<unsigned, VarId> &next) {
  size_t n = vars.size();
  auto name = [&](unsigned i) { return m_.variables[sys_.vars[i]].name; };
  std::vector<std::vector<VarId>> k(4);
  std::map<unsigned, VarId> stage; // empty: the start values
  const double c[4] = {0, 0.5, 0.5, 1.0};
  for (int s = 0; s < 4; ++s) {
    ExprPtr offset = s ? b_.real(c[s] * dt_, msUnit()) : nullptr;
    for (size_t q = 0; q < n; ++q)
      k[s].push_back(local("k" + std::to_string(s + 1) + "." + name(vars[q]),
                           derivativeType(typeOf(vars[q]), 1), out,
                           rhsAt(vars[q], stage, offset.get())));
    if (s == 3)
      break;
    // The next stage's arguments: y + c·dt·k_s.
    std::map<unsigned, VarId> nextStage;
    for (size_t q = 0; q < n; ++q) {
      unsigned i = vars[q];
      ExprPtr inc = b_.coerce(b_.mul(b_.real(c[s + 1] * dt_, msUnit()), b_.var(k[s][q])), typeOf(i));
      nextStage[i] = local("y" + std::to_string(s + 2) + "." + name(i), typeOf(i), out,
                           b_.add(b_.var(sys_.vars[i]), std::move(inc)));
    }
    stage = std::move(nextStage);
  }
  for (size_t q = 0; q < n; ++q) {
    unsigned i = vars[q];
    ExprPtr sum = b_.add(b_.var(k[0][q]), b_.mul(b_.real(2.0), b_.var(k[1][q])));
    sum = b_.add(std::move(sum), b_.mul(b_.real(2.0), b_.var(k[2][q])));
    sum = b_.add(std::move(sum), b_.var(k[3][q]));
    ExprPtr inc = b_.coerce(b_.mul(b_.real(dt_ / 6.0, msUnit()), std::move(sum)), typeOf(i));
    next[i] = local(name(i) + ".next", typeOf(i), out, b_.add(b_.var(sys_.vars[i]), std::move(inc)));
  }
}

//===----------------------------------------------------------------------===//
// rk45 (Dormand–Prince 5(4), error control inside the step)
//===----------------------------------------------------------------------===//

namespace {
// Butcher tableau of Dormand & Prince (1980), "A family of embedded
// Runge-Kutta formulae", J. Comp. Appl. Math. 6:19-26.
const double kC[7] = {0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1.0, 1.0};
const double kA[7][6] = {
    {},
    {1.0 / 5},
    {3.0 / 40, 9.0 / 40},
    {44.0 / 45, -56.0 / 15, 32.0 / 9},
    {19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729},
    {9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656},
    {35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84},
};
// Error weights: 5th-order minus 4th-order solution weights.
const double kE[7] = {71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525,
                      -1.0 / 40};
const unsigned kMaxSubsteps = 10000;
const double kMinStepFraction = 1e-10;
} // namespace

void IntegratorEmitter::rk45(const std::vector<unsigned> &vars, double rtol, double atol,
                             Block &out, std::map<unsigned, VarId> &next) {
  size_t n = vars.size();
  auto name = [&](unsigned i) { return m_.variables[sys_.vars[i]].name; };
  Type msT = b_.realType(msUnit());
  Type one = b_.realType();
  auto call = [&](Builtin f, std::vector<ExprPtr> args, Type t) { return b_.call(f, std::move(args), t); };
  auto args = [](ExprPtr a, ExprPtr b = nullptr) {
    std::vector<ExprPtr> v;
    v.push_back(std::move(a));
    if (b)
      v.push_back(std::move(b));
    return v;
  };

  // Working state y (advanced substep by substep), time left, substep size.
  std::map<unsigned, VarId> y;
  for (unsigned i : vars)
    y[i] = local("y." + name(i), typeOf(i), out, b_.var(sys_.vars[i]));
  VarId rem = local("rk45.remaining", msT, out, h());
  VarId hs = local("rk45.substep", msT, out, h());
  VarId iters = local("rk45.substeps", b_.intType(), out, b_.integer(0));
  std::vector<std::map<unsigned, VarId>> k(7);
  for (int s = 0; s < 7; ++s)
    for (unsigned i : vars)
      k[s][i] = local("k" + std::to_string(s + 1) + "." + name(i), derivativeType(typeOf(i), 1), out);
  std::map<unsigned, VarId> stage, y5;
  for (unsigned i : vars) {
    stage[i] = local("s." + name(i), typeOf(i), out);
    y5[i] = local("y5." + name(i), typeOf(i), out);
  }
  VarId errNorm = local("rk45.error", one, out);

  Block body;
  auto assign = [&](VarId v, ExprPtr e) { body.push_back(b_.assign(v, b_.coerce(std::move(e), m_.variables[v].type))); };
  assign(hs, call(Builtin::Min, args(b_.var(hs), b_.var(rem)), msT));
  // Time since the start of the step at the beginning of this substep.
  auto elapsed = [&](double c) {
    ExprPtr e = b_.sub(h(), b_.var(rem));
    if (c != 0)
      e = b_.add(std::move(e), b_.mul(b_.real(c), b_.var(hs)));
    return e;
  };
  for (int s = 0; s < 7; ++s) {
    // Stage arguments y + hs·Σ a_sj·k_j (stage 7 is the 5th-order solution).
    std::map<unsigned, VarId> &target = s == 6 ? y5 : stage;
    if (s > 0)
      for (unsigned i : vars) {
        ExprPtr sum;
        for (int j = 0; j < s; ++j) {
          if (kA[s][j] == 0)
            continue;
          ExprPtr t = b_.mul(b_.real(kA[s][j]), b_.var(k[j][i]));
          sum = sum ? b_.add(std::move(sum), std::move(t)) : std::move(t);
        }
        assign(target[i], b_.add(b_.var(y[i]), b_.coerce(b_.mul(b_.var(hs), std::move(sum)), typeOf(i))));
      }
    ExprPtr off = elapsed(kC[s]);
    for (unsigned i : vars)
      assign(k[s][i], rhsAt(i, s == 0 ? y : target, off.get()));
  }
  // Scaled RMS error of the embedded 4th-order solution.
  ExprPtr sumSq;
  for (unsigned i : vars) {
    ExprPtr err;
    for (int s = 0; s < 7; ++s) {
      if (kE[s] == 0)
        continue;
      ExprPtr t = b_.mul(b_.real(kE[s]), b_.var(k[s][i]));
      err = err ? b_.add(std::move(err), std::move(t)) : std::move(t);
    }
    err = b_.coerce(b_.mul(b_.var(hs), std::move(err)), typeOf(i));
    units::Unit u = typeOf(i).unit;
    ExprPtr mag = call(Builtin::Max, args(call(Builtin::Abs, args(b_.var(y[i])), typeOf(i)),
                                          call(Builtin::Abs, args(b_.var(y5[i])), typeOf(i))),
                       typeOf(i));
    ExprPtr scale = b_.add(b_.real(atol, u), b_.mul(b_.real(rtol), std::move(mag)));
    ExprPtr q = b_.coerce(b_.div(std::move(err), std::move(scale)), one);
    ExprPtr qCopy = q->clone();
    ExprPtr sq = b_.mul(std::move(qCopy), std::move(q));
    sumSq = sumSq ? b_.add(std::move(sumSq), std::move(sq)) : std::move(sq);
  }
  assign(errNorm, call(Builtin::Sqrt, args(b_.div(std::move(sumSq), b_.real(double(n)))), one));
  // Accept when the error is within tolerance, or when the substep cannot
  // shrink further (reported: the system is probably stiff).
  ExprPtr tooSmall = b_.binary(BinaryOp::Le, b_.var(hs), b_.real(kMinStepFraction * dt_, msUnit()));
  ExprPtr ok = b_.binary(BinaryOp::Le, b_.var(errNorm), b_.real(1.0));
  Block accept;
  {
    Block warn;
    warn.push_back(b_.callStmt(call(Builtin::Warning,
                                    args(b_.string("rk45: the error tolerance cannot be met even with "
                                                   "the smallest substep; the system may be stiff "
                                                   "(try solver = exp_euler or a smaller dt)")),
                                    Type::voidTy())));
    accept.push_back(b_.ifStmt(b_.logicalNot(ok->clone()), std::move(warn)));
    for (unsigned i : vars)
      accept.push_back(b_.assign(y[i], b_.var(y5[i])));
    ExprPtr last = b_.binary(BinaryOp::Ge, b_.var(hs), b_.var(rem));
    accept.push_back(b_.assign(rem, b_.select(std::move(last), b_.real(0.0, msUnit()),
                                              b_.sub(b_.var(rem), b_.var(hs)))));
  }
  body.push_back(b_.ifStmt(b_.binary(BinaryOp::Or, std::move(ok), std::move(tooSmall)), std::move(accept)));
  // New substep: hs·clamp(0.9·err^(−1/5), 0.2, 5).
  ExprPtr grow = b_.mul(b_.real(0.9), b_.binary(BinaryOp::Pow, b_.var(errNorm), b_.real(-0.2)));
  ExprPtr fac = call(Builtin::Min, args(b_.real(5.0), call(Builtin::Max, args(b_.real(0.2), std::move(grow)), one)), one);
  fac = b_.select(b_.binary(BinaryOp::Eq, b_.var(errNorm), b_.real(0.0)), b_.real(5.0), std::move(fac));
  assign(hs, b_.mul(b_.var(hs), std::move(fac)));
  assign(iters, b_.add(b_.var(iters), b_.integer(1)));
  {
    Block giveUp;
    giveUp.push_back(b_.callStmt(call(Builtin::Warning,
                                      args(b_.string("rk45: more than " + std::to_string(kMaxSubsteps) +
                                                     " substeps in one step; the rest of the step "
                                                     "is skipped (the system may be stiff)")),
                                      Type::voidTy())));
    giveUp.push_back(b_.assign(rem, b_.real(0.0, msUnit())));
    body.push_back(b_.ifStmt(b_.binary(BinaryOp::Ge, b_.var(iters), b_.integer(kMaxSubsteps)),
                             std::move(giveUp)));
  }
  out.push_back(b_.whileStmt(b_.binary(BinaryOp::Gt, b_.var(rem), b_.real(0.0, msUnit())), std::move(body)));
  for (unsigned i : vars)
    next[i] = y[i];
}

} // namespace nsc::passes
