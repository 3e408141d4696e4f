//===- SolveOdes.cpp - ODE classification, solver choice, lowering --------===//
#include "nsc/passes/SolveOdes.h"

#include "OdeIntegrators.h"
#include "nsc/ir/IRWalk.h"
#include "nsc/passes/LinearForm.h"

#include <algorithm>
#include <sstream>

namespace nsc::passes {

using namespace ir;

namespace {

/// The method chosen for one variable of one integrate_odes call.
struct Choice {
  Solver method = Solver::Exact;
  std::string reason;
};

class OdeSolver {
public:
  OdeSolver(Model &m, PassContext &ctx) : m_(m), b_(m), ctx_(ctx) {}

  bool run() {
    bool hasCall = false;
    for (Block *blk : modelBlocks(m_))
      forEachStmt(*blk, [&](Stmt &s) { hasCall = hasCall || isa<IntegrateOdes>(&s); });
    if (!hasCall) {
      if (!m_.odes.equations.empty())
        ctx_.diags().warning(m_.odes.equations.front().loc,
                             "model '" + m_.name + "' has ODEs but its 'update:' block never calls "
                             "integrate_odes(); its ODE variables stay constant");
      m_.odes.equations.clear();
      return true;
    }
    if (!buildSystem())
      return false;
    IntegratorEmitter emit(m_, sys_, m_.semantics.dtMs);
    bool ok = true;
    unsigned lowered = 0;
    for (Block *blk : modelBlocks(m_))
      ok = lowerCalls(*blk, emit, lowered) && ok;
    for (StmtPtr &s : emit.takePrepare())
      m_.prepare.push_back(std::move(s));
    m_.odes.equations.clear();
    ctx_.changed(lowered, "lowered", "integrate_odes calls");
    return ok;
  }

private:
  /// Turns the equations into a first-order system.
  bool buildSystem() {
    std::map<std::pair<VarId, unsigned>, VarId> derivVar; // (x, j) -> x^(j)
    for (OdeEquation &eq : m_.odes.equations) {
      derivVar[{eq.var, 0}] = eq.var;
      for (unsigned j = 1; j < eq.order; ++j) {
        VarId d = j - 1 < eq.derivativeVars.size() ? eq.derivativeVars[j - 1] : kNoVar;
        if (d == kNoVar) {
          Type t = derivativeType(m_.variables[eq.var].type, j);
          d = b_.addVariable(m_.variables[eq.var].name + std::string(j, '\''), VarRole::State, t,
                             b_.real(0.0, t.unit));
          if (!m_.initOrder.empty())
            m_.initOrder.push_back(d);
        }
        derivVar[{eq.var, j}] = d;
      }
    }
    auto resolveDerivatives = [&](ExprPtr &root) {
      rewritePostOrder(root, [&](ExprPtr &slot) {
        if (auto *d = dyn_cast<Derivative>(slot.get())) {
          auto it = derivVar.find({d->var, d->order});
          if (it != derivVar.end())
            slot = b_.coerce(b_.var(it->second), slot->type);
        }
      });
    };
    for (OdeEquation &eq : m_.odes.equations) {
      for (unsigned j = 0; j < eq.order; ++j) {
        VarId x = derivVar[{eq.var, j}];
        Type want = derivativeType(m_.variables[x].type, 1);
        ExprPtr rhs = j + 1 < eq.order ? b_.coerce(b_.var(derivVar[{eq.var, j + 1}]), want)
                                       : (eq.rhs ? eq.rhs->clone() : b_.real(0.0, want.unit));
        resolveDerivatives(rhs);
        sys_.vars.push_back(x);
        sys_.rhs.push_back(std::move(rhs));
        sys_.locs.push_back(eq.loc);
        group_[eq.var].push_back(x);
      }
    }
    return true;
  }

  bool lowerCalls(Block &blk, IntegratorEmitter &emit, unsigned &lowered) {
    bool ok = true;
    for (size_t si = 0; si < blk.size(); ++si) {
      for (Block *child : childBlocks(*blk[si]))
        ok = lowerCalls(*child, emit, lowered) && ok;
      auto *io = dyn_cast<IntegrateOdes>(blk[si].get());
      if (!io)
        continue;
      std::vector<unsigned> S;
      auto addVar = [&](VarId v) {
        int k = sys_.indexOf(v);
        if (k >= 0 && std::find(S.begin(), S.end(), unsigned(k)) == S.end())
          S.push_back(unsigned(k));
      };
      if (io->vars.empty()) {
        for (unsigned i = 0; i < sys_.vars.size(); ++i)
          S.push_back(i);
      } else {
        for (VarId v : io->vars) {
          auto g = group_.find(v);
          if (g == group_.end())
            addVar(v);
          else
            for (VarId x : g->second)
              addVar(x);
        }
      }
      Block replacement;
      if (!S.empty() && !lowerCall(*io, S, emit, replacement)) {
        ok = false;
        continue;
      }
      ++lowered;
      blk.erase(blk.begin() + long(si));
      blk.insert(blk.begin() + long(si), std::make_move_iterator(replacement.begin()),
                 std::make_move_iterator(replacement.end()));
      si += replacement.size();
      --si;
    }
    return ok;
  }

  std::string varName(unsigned i) const { return m_.variables[sys_.vars[i]].name; }

  /// The other variables of the current call's system that rhs_i reads (they
  /// change within the step), in system order.
  std::vector<std::string> movingReads(unsigned i) const {
    std::vector<std::string> names;
    std::vector<unsigned> ks;
    for (VarId v : variablesRead(*sys_.rhs[i])) {
      int k = sys_.indexOf(v);
      if (k >= 0 && unsigned(k) != i && std::find(call_.begin(), call_.end(), unsigned(k)) != call_.end() &&
          std::find(ks.begin(), ks.end(), unsigned(k)) == ks.end())
        ks.push_back(unsigned(k));
    }
    std::sort(ks.begin(), ks.end());
    for (unsigned k : ks)
      names.push_back(varName(k));
    return names;
  }

  static std::string quotedList(const std::vector<std::string> &names) {
    std::string s;
    for (size_t j = 0; j < names.size(); ++j)
      s += (j == 0 ? "'" : j + 1 == names.size() ? " and '" : ", '") + names[j] + "'";
    return s;
  }

  bool lowerCall(const IntegrateOdes &call, const std::vector<unsigned> &S, IntegratorEmitter &emit,
                 Block &out) {
    auto inS = [&](VarId v) {
      int k = sys_.indexOf(v);
      return k >= 0 && std::find(S.begin(), S.end(), unsigned(k)) != S.end();
    };
    call_ = S;
    Solver solver = m_.semantics.solver;
    bool fixedPoint = m_.semantics.precision.kind == Precision::Fixed;
    std::map<unsigned, Choice> choice;

    // 1. Which variables have linear constant-coefficient right-hand sides.
    std::map<unsigned, NonLinearity> whyNot;
    std::vector<unsigned> L;
    for (unsigned i : S) {
      NonLinearity why;
      const Expr &rhs = *sys_.rhs[i];
      if (callsBuiltin(rhs, Builtin::Time)) {
        why = {&rhs, "the right-hand side depends on the time t"};
      } else if (callsRandom(rhs)) {
        why = {&rhs, "the right-hand side draws random numbers"};
      } else if (decomposeLinear(rhs, inS, b_, &why)) {
        L.push_back(i);
        continue;
      }
      whyNot[i] = why;
    }
    // The exact part must be closed: no right-hand side in it may read a
    // variable that is integrated some other way.
    auto inL = [&](unsigned k) { return std::find(L.begin(), L.end(), k) != L.end(); };
    // The first advancing variable outside L that rhs_i reads, or -1.
    auto outsideRead = [&](unsigned i) {
      for (VarId v : variablesRead(*sys_.rhs[i])) {
        int k = sys_.indexOf(v);
        if (k >= 0 && inS(v) && !inL(unsigned(k)))
          return k;
      }
      return -1;
    };
    for (size_t q = 0; q < L.size();) {
      int k = outsideRead(L[q]);
      if (k < 0) {
        ++q;
        continue;
      }
      whyNot[L[q]] = {sys_.rhs[L[q]].get(),
                      "it depends on '" + varName(unsigned(k)) + "', which cannot be solved exactly"};
      L.erase(L.begin() + long(q));
      q = 0; // a removal can disqualify variables already checked
    }
    std::vector<unsigned> N;
    for (unsigned i : S)
      if (std::find(L.begin(), L.end(), i) == L.end())
        N.push_back(i);
    // 2. Which of the rest are conditionally linear (exp_euler).
    auto conditionallyLinear = [&](unsigned i, NonLinearity *why) {
      VarId x = sys_.vars[i];
      if (callsRandom(*sys_.rhs[i])) {
        if (why)
          *why = {sys_.rhs[i].get(), "the right-hand side draws random numbers"};
        return false;
      }
      return bool(decomposeLinear(*sys_.rhs[i], [&](VarId v) { return v == x; }, b_, why));
    };

    // 3. Choose.
    auto fail = [&](unsigned i, const NonLinearity &why, const std::string &what) {
      SourceRange at = why.at && why.at->loc.valid() ? why.at->loc : sys_.locs[i];
      ctx_.diags()
          .error(at, "solver '" + what + "' cannot integrate '" + varName(i) + "': " + why.why)
          .note(call.loc, "integrated here")
          .note(m_.loc, "choose another solver in the model's 'semantics:' block (solver = auto "
                        "picks one that applies)");
      return false;
    };
    std::vector<unsigned> exactVars, expEulerVars, numericVars;
    Solver numeric = Solver::RK45;
    switch (solver) {
    case Solver::Exact:
      if (!N.empty())
        return fail(N.front(), whyNot[N.front()], "exact");
      exactVars = L;
      break;
    case Solver::ExpEuler:
      if (fixedPoint) {
        ctx_.diags().error(m_.loc, "solver 'exp_euler' is not defined in fixed point (its "
                                   "propagator depends on the state; docs/semantics.md R31)");
        return false;
      }
      for (unsigned i : S) {
        NonLinearity why;
        if (!conditionallyLinear(i, &why))
          return fail(i, why, "exp_euler");
      }
      expEulerVars = S;
      break;
    case Solver::RK45:
    case Solver::RK4:
    case Solver::Euler:
      if (solver == Solver::RK45 && fixedPoint) {
        ctx_.diags().error(m_.loc, "solver 'rk45' (adaptive) is not defined in fixed point; use "
                                   "exact, rk4 or euler (docs/semantics.md R31)");
        return false;
      }
      numeric = solver;
      numericVars = S;
      break;
    case Solver::Auto:
      // Exact for the closed linear part; the rest with the adaptive
      // integrator, as NEST and NESTML do (GSL RK45). Never exp_euler: a
      // variable left here reads another one that moves within the step
      // (HH's V_m <-> m, h, n; the conductances in V_m'), the time t or
      // random numbers, which exp_euler would hold at their start-of-step
      // values, a first-order error (docs/solvers.md: 5 % slow HH firing,
      // 40 % too many iaf_cond_exp spikes with fast synapses).
      exactVars = L;
      numeric = fixedPoint ? Solver::RK4 : Solver::RK45;
      numericVars = N;
      break;
    }

    // Explanations.
    for (unsigned i : exactVars)
      choice[i] = {Solver::Exact, "linear with constant coefficients"};
    for (unsigned i : expEulerVars)
      choice[i] = {Solver::ExpEuler, "requested by the model"};
    for (unsigned i : numericVars) {
      std::string r;
      if (solver != Solver::Auto) {
        r = "requested by the model";
      } else {
        NonLinearity why;
        bool cl = conditionallyLinear(i, &why);
        r = whyNot[i].why.empty() ? "coupled to the numerically integrated variables"
                                  : "not exact (" + whyNot[i].why + ")";
        std::vector<std::string> moving = movingReads(i);
        if (!cl)
          r += "; not exp_euler (" + why.why + ")";
        else if (fixedPoint)
          r += "; not exp_euler (not defined in fixed point)";
        else if (!moving.empty())
          r += "; not exp_euler: coupled to " + quotedList(moving) + ", which " +
               (moving.size() == 1 ? "changes" : "change") + " within the step (exp_euler would hold " +
               (moving.size() == 1 ? "it" : "them") + " at the start-of-step value)";
        else if (callsBuiltin(*sys_.rhs[i], Builtin::Time))
          r += "; not exp_euler (the right-hand side depends on the time t, which it would hold at the "
               "start of the step)";
      }
      choice[i] = {numeric, r};
    }
    // A mixed system: the numeric integrator carries copies of the exact
    // variables its right-hand sides read (transitively).
    std::vector<unsigned> numericWithCopies = numericVars;
    if (!numericVars.empty() && !exactVars.empty()) {
      for (size_t q = 0; q < numericWithCopies.size(); ++q)
        for (VarId v : variablesRead(*sys_.rhs[numericWithCopies[q]])) {
          int k = sys_.indexOf(v);
          if (k >= 0 && inS(v) &&
              std::find(numericWithCopies.begin(), numericWithCopies.end(), unsigned(k)) ==
                  numericWithCopies.end())
            numericWithCopies.push_back(unsigned(k));
        }
      for (unsigned i : numericWithCopies)
        if (choice[i].method == Solver::Exact)
          choice[i].reason += "; also integrated with " + std::string(solverName(numeric)) +
                              " inside the step where the numeric variables read it";
    }

    // 4. Emit: every method reads the start-of-step values; then assign.
    std::map<unsigned, VarId> next, numericNext;
    if (!exactVars.empty()) {
      std::vector<LinearForm> forms;
      auto inL = [&](VarId v) {
        int k = sys_.indexOf(v);
        return k >= 0 && std::find(exactVars.begin(), exactVars.end(), unsigned(k)) != exactVars.end();
      };
      for (unsigned i : exactVars)
        forms.push_back(*decomposeLinear(*sys_.rhs[i], inL, b_));
      emit.exact(exactVars, forms, out, next);
      if (emit.lastExactAtRuntime())
        for (unsigned i : exactVars)
          choice[i].reason += " (propagator computed at start-up: it depends on parameters)";
    }
    if (!expEulerVars.empty())
      emit.expEuler(expEulerVars, out, next);
    if (!numericWithCopies.empty()) {
      switch (numeric) {
      case Solver::Euler: emit.euler(numericWithCopies, out, numericNext); break;
      case Solver::RK4: emit.rk4(numericWithCopies, out, numericNext); break;
      default:
        emit.rk45(numericWithCopies, m_.semantics.rk45Rtol, m_.semantics.rk45Atol, out, numericNext);
        break;
      }
      for (unsigned i : numericVars)
        next[i] = numericNext.at(i);
    }
    for (unsigned i : S)
      out.push_back(b_.assign(sys_.vars[i], b_.var(next.at(i))));
    for (StmtPtr &s : out)
      if (!s->loc.valid())
        s->loc = call.loc;

    if (ctx_.options().explainSolvers) {
      std::ostream &os = ctx_.log();
      os << "solvers for model '" << m_.name << "', integrate_odes at "
         << ctx_.diags().locationString(call.loc.begin) << ":\n";
      size_t width = 0;
      for (unsigned i : S)
        width = std::max(width, varName(i).size());
      for (unsigned i : S)
        os << "  " << varName(i) << std::string(width - varName(i).size() + 2, ' ')
           << solverName(choice[i].method) << std::string(11 - std::string(solverName(choice[i].method)).size(), ' ')
           << choice[i].reason << "\n";
    }
    return true;
  }

  Model &m_;
  Builder b_;
  PassContext &ctx_;
  FirstOrderSystem sys_;
  std::map<VarId, std::vector<VarId>> group_;
  std::vector<unsigned> call_; // the system indices the call being lowered advances
};

} // namespace

bool SolveOdesPass::run(Module &module, PassContext &ctx) {
  bool ok = true;
  for (auto &m : module.models)
    if (!m->odes.kernels.empty()) {
      ctx.diags().error(m->odes.kernels.front().loc,
                        "solve-odes needs the kernels lowered first (run lower-kernels before it)");
      ok = false;
    } else {
      ok = OdeSolver(*m, ctx).run() && ok;
    }
  return ok;
}

} // namespace nsc::passes
