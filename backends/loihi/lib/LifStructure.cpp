//===- LifStructure.cpp - Recognising a current-based LIF in the IR -------===//
//
// The checks run in the order a reader would explain the model: the spike
// condition names the membrane variable; its equation must be linear in
// itself and in synaptic variables; each synaptic variable must decay
// exponentially on its own and receive spikes by `x += port` (times
// constants: NESTML 8's `x += port * pA * s`), or V jumps by them (a delta
// synapse); `update:` integrates (holding V while a refractory counter, or
// NESTML 8's timer `refr_t`, runs); the spike block resets V to a
// constant. The first construct that breaks this gets the diagnostic, with
// the reason in Loihi terms and the form that maps.
//
//===----------------------------------------------------------------------===//
#include "LifStructure.h"

#include "nsc/ir/Builder.h"
#include "nsc/ir/IRWalk.h"
#include "nsc/ir/Printer.h"
#include "nsc/passes/LinearForm.h"

#include <algorithm>

namespace nsc::loihi {

using namespace ir;

namespace {

/// Peels unit conversions and numeric casts: the inner expression and the
/// factor the conversions multiply it by.
const Expr *peel(const Expr *e, double *factor = nullptr) {
  double f = 1;
  for (;;) {
    if (auto *u = dyn_cast<UnitConvert>(e)) {
      f *= u->factor;
      e = u->operand.get();
    } else if (auto *c = dyn_cast<Cast>(e); c && c->castKind != CastKind::RealToInt) {
      e = c->operand.get();
    } else {
      break;
    }
  }
  if (factor)
    *factor = f;
  return e;
}

/// A constant 0 (integer or real, in any unit).
bool isZero(const Expr *e) {
  auto *c = dyn_cast<Constant>(peel(e));
  return c && (c->type.kind == TypeKind::Int ? c->integer == 0 : c->type.kind == TypeKind::Real && c->real == 0);
}

bool isRef(const Expr *e, VarId v) {
  auto *r = dyn_cast<VarRef>(peel(e));
  return r && r->var == v && !r->index;
}

class Recogniser {
public:
  Recogniser(Model &m, DiagnosticEngine &diags) : m_(m), diags_(diags), b_(m) {}

  std::optional<LifStructure> run() {
    if (!m_.outputSpike)
      return fail(m_.loc, "model '" + m_.name + "' emits no spikes: a Loihi compartment is a spiking neuron");
    if (m_.onCondition.size() != 1)
      return fail(m_.onCondition.empty() ? m_.loc : m_.onCondition[1].loc,
                  "a Loihi soma has one spike condition; model '" + m_.name + "' has " +
                      std::to_string(m_.onCondition.size()));
    // The membrane equation is checked before the rest of the spike
    // condition: what prevents a conductance-based or nonlinear model from
    // mapping is its voltage equation, not its refractoriness.
    if (!condition(*m_.onCondition[0].cond) || !membrane())
      return std::nullopt;
    if (badTerm_)
      return fail(badTerm_->loc, "spike condition term '" + text(*badTerm_) +
                                     "' cannot map: a Loihi soma spikes when its voltage exceeds a constant "
                                     "threshold, outside an optional refractory period ('refr_count == 0' "
                                     "for an integer step count, 'refr_t <= 0 ms' for a timer)");
    if (!currents() || !receives() || !update() || !spikeBlock())
      return std::nullopt;
    return std::move(s_);
  }

private:
  std::optional<LifStructure> fail(SourceRange at, std::string msg) {
    diags_.error(where(at), std::move(msg));
    failed_ = true;
    return std::nullopt;
  }
  SourceRange where(SourceRange at) const { return at.valid() ? at : m_.loc; }
  bool bad(SourceRange at, std::string msg) {
    fail(at, std::move(msg));
    return false;
  }
  /// The IR printer's text without its sigils and outer parentheses.
  std::string text(const Expr &e) const {
    std::string t;
    for (char ch : printExpr(e, &m_))
      if (ch != '%' && ch != '@')
        t += ch;
    if (t.size() > 2 && t.front() == '(' && t.back() == ')')
      t = t.substr(1, t.size() - 2);
    return t;
  }
  const std::string &name(VarId v) const { return m_.variables[v].name; }
  bool isState(VarId v) const { return v < m_.variables.size() && m_.variables[v].role == VarRole::State; }
  bool readsState(const Expr &e) const {
    return passes::readsAny(e, [&](VarId v) { return isState(v); });
  }

  // --- spike condition: V > threshold [and counter == 0] ---
  bool condition(const Expr &cond) {
    std::vector<const Expr *> terms;
    flattenAnd(&cond, terms);
    for (const Expr *t : terms) {
      auto *b = dyn_cast<Binary>(peel(t));
      if (b && (b->op == BinaryOp::Gt || b->op == BinaryOp::Ge || b->op == BinaryOp::Lt || b->op == BinaryOp::Le)) {
        bool vLeft = b->op == BinaryOp::Gt || b->op == BinaryOp::Ge;
        const Expr *var = peel(vLeft ? b->lhs.get() : b->rhs.get());
        const Expr *thr = vLeft ? b->rhs.get() : b->lhs.get();
        auto *ref = dyn_cast<VarRef>(var);
        if (ref && isState(ref->var) && m_.odes.equationFor(ref->var) && !readsState(*thr) && s_.V == kNoVar) {
          s_.V = ref->var;
          s_.threshold = thr;
          s_.inclusive = b->op == BinaryOp::Ge || b->op == BinaryOp::Le;
          continue;
        }
      }
      if (b && (b->op == BinaryOp::Eq || b->op == BinaryOp::Le)) {
        auto *ref = dyn_cast<VarRef>(peel(b->lhs.get()));
        if (ref && isState(ref->var) && isZero(b->rhs.get()) && s_.counter == kNoVar) {
          TypeKind k = m_.variables[ref->var].type.kind;
          if (k == TypeKind::Int) {
            s_.counter = ref->var;
            continue;
          }
          // NESTML 8: `refr_t <= 0 ms`, a timer of the time left.
          if (k == TypeKind::Real && b->op == BinaryOp::Le) {
            s_.counter = ref->var;
            s_.timer = true;
            continue;
          }
        }
      }
      if (!badTerm_)
        badTerm_ = t;
    }
    if (s_.V == kNoVar)
      return bad(cond.loc, "spike condition '" + text(cond) +
                               "' compares no membrane variable with a constant threshold");
    return true;
  }
  void flattenAnd(const Expr *e, std::vector<const Expr *> &out) {
    if (auto *b = dyn_cast<Binary>(e); b && b->op == BinaryOp::And) {
      flattenAnd(b->lhs.get(), out);
      flattenAnd(b->rhs.get(), out);
    } else {
      out.push_back(e);
    }
  }

  // --- V' = a V + sum c_j x_j + b ---
  bool membrane() {
    const OdeEquation *eq = m_.odes.equationFor(s_.V);
    if (eq->order != 1)
      return bad(eq->loc, "'" + name(s_.V) + "' has a higher-order equation: a Loihi compartment's voltage is first order");
    passes::NonLinearity why;
    auto form = passes::decomposeLinear(*eq->rhs, [&](VarId v) { return isState(v); }, b_, &why);
    if (!form) {
      const Expr &at = why.at ? *why.at : *eq->rhs;
      std::string reason = why.why.rfind("product of", 0) == 0
                               ? "multiplies a state variable by another (" + why.why +
                                     "): conductance-based input cannot map to a Loihi compartment"
                               : "is nonlinear in the state (" + why.why +
                                     "): a Loihi compartment integrates its voltage linearly";
      return bad(at.loc, "term '" + text(at) + "' " + reason);
    }
    for (passes::LinearTerm &t : form->terms) {
      if (t.var == s_.V) {
        s_.leak = std::move(t.coeff);
        continue;
      }
      const OdeEquation *xe = m_.odes.equationFor(t.var);
      if (!xe || m_.variables[t.var].type.kind != TypeKind::Real)
        return bad(eq->rhs->loc, "'" + name(s_.V) + "' depends on '" + name(t.var) +
                                     "', which is not a synaptic variable with its own decay: a Loihi "
                                     "compartment's voltage reads only its current input");
      s_.currents.push_back({t.var, nullptr, std::move(t.coeff)});
    }
    if (!s_.leak)
      s_.leak = b_.real(0, {});
    s_.drive = std::move(form->offset);
    if (s_.drive)
      collectPorts(*s_.drive);
    return true;
  }
  void collectPorts(const Expr &e) {
    if (auto *p = dyn_cast<PortRef>(&e)) {
      s_.continuousPorts.push_back(p->port);
      return;
    }
    if (auto *u = dyn_cast<Unary>(&e))
      collectPorts(*u->operand);
    else if (auto *b = dyn_cast<Binary>(&e))
      collectPorts(*b->lhs), collectPorts(*b->rhs);
    else if (auto *c = dyn_cast<UnitConvert>(&e))
      collectPorts(*c->operand);
    else if (auto *c = dyn_cast<Cast>(&e))
      collectPorts(*c->operand);
  }

  // --- x' = lambda x for every synaptic variable; no other ODEs ---
  bool currents() {
    for (LifStructure::Current &c : s_.currents) {
      const OdeEquation *xe = m_.odes.equationFor(c.var);
      auto form = passes::decomposeLinear(*xe->rhs, [&](VarId v) { return isState(v); }, b_);
      bool pure = xe->order == 1 && form && !form->offset && form->terms.size() == 1 && form->terms[0].var == c.var;
      if (!pure)
        return bad(xe->rhs->loc.valid() ? xe->rhs->loc : m_.variables[c.var].loc, "'" + name(c.var) + "'' = " + text(*xe->rhs) +
                                     " is not a pure exponential decay (x' = -x/tau): a Loihi compartment's "
                                     "current input decays on its own (alpha-shaped or driven synapses cannot map)");
      c.rate = std::move(form->terms[0].coeff);
    }
    for (const OdeEquation &e : m_.odes.equations) {
      if (e.var == s_.V || s_.currentFor(e.var))
        continue;
      if (s_.timer && e.var == s_.counter) {
        // refr_t' = -1: a constant rate, whatever the unit conversions.
        if (e.order != 1 || readsState(*e.rhs))
          return bad(e.loc, "refractory timer '" + name(e.var) + "'' = " + text(*e.rhs) +
                                " does not run down at a constant rate: Loihi counts its refractory delay in "
                                "whole steps (write '" + name(e.var) + "' = -1')");
        s_.timerRate = e.rhs.get();
        continue;
      }
      std::string hint = readsState(*e.rhs) ? "" : " (a refractory timer is tested in the spike condition: '" +
                                                       name(e.var) + " <= 0 ms and " + name(s_.V) + " >= ...')";
      return bad(e.loc, "'" + name(e.var) + "' has an equation but is neither the membrane variable nor a "
                                            "synaptic input of it: a Loihi compartment has no further state" +
                                            hint);
    }
    return true;
  }

  // --- onReceive(port): x += port [* constants] (x a current, or V) ---
  bool readsPort(const Expr &e) const {
    if (isa<PortRef>(&e))
      return true;
    bool any = false;
    forEachChild(e, [&](const Expr &c) { any = any || readsPort(c); });
    return any;
  }
  /// `e` is the port times constant factors (NESTML 8's `spikes * pA * s`,
  /// `spikes / ms`, unit conversions, a sign): fills in's factor, scale
  /// and divisors.
  bool portTerm(const Expr *e, uint32_t port, LifStructure::PortInput &in) const {
    double f = 1;
    e = peel(e, &f);
    in.factor *= f;
    if (auto *pr = dyn_cast<PortRef>(e))
      return pr->port == port && !pr->index;
    if (auto *u = dyn_cast<Unary>(e); u && u->op == UnaryOp::Neg) {
      in.factor = -in.factor;
      return portTerm(u->operand.get(), port, in);
    }
    auto *b = dyn_cast<Binary>(e);
    if (!b || (b->op != BinaryOp::Mul && b->op != BinaryOp::Div))
      return false;
    auto constant = [&](const Expr &x) { return !readsState(x) && !readsPort(x); };
    if (b->op == BinaryOp::Div) {
      if (!constant(*b->rhs))
        return false;
      in.divisors.push_back(b->rhs.get());
      return portTerm(b->lhs.get(), port, in);
    }
    if (constant(*b->rhs)) {
      in.scale.push_back(b->rhs.get());
      return portTerm(b->lhs.get(), port, in);
    }
    if (constant(*b->lhs)) {
      in.scale.push_back(b->lhs.get());
      return portTerm(b->rhs.get(), port, in);
    }
    return false;
  }
  bool receives() {
    for (const OnReceive &h : m_.onReceive) {
      const std::string &pn = m_.ports[h.port].name;
      for (const StmtPtr &st : h.body) {
        auto *as = dyn_cast<Assign>(st.get());
        const Binary *add = as && !as->index ? dyn_cast<Binary>(peel(as->value.get())) : nullptr;
        const LifStructure::Current *cur = as ? s_.currentFor(as->target) : nullptr;
        bool toV = as && as->target == s_.V;
        if (add && (cur || toV) && (add->op == BinaryOp::Add || add->op == BinaryOp::Sub)) {
          bool leftIsTarget = isRef(add->lhs.get(), as->target);
          const Expr *other = leftIsTarget ? add->rhs.get()
                              : isRef(add->rhs.get(), as->target) && add->op == BinaryOp::Add ? add->lhs.get()
                                                                                               : nullptr;
          LifStructure::PortInput in;
          in.port = h.port;
          in.loc = st->loc;
          in.current = toV ? LifStructure::kToVoltage : size_t(cur - s_.currents.data());
          if (other && portTerm(other, h.port, in)) {
            if (add->op == BinaryOp::Sub)
              in.factor = -in.factor;
            s_.portInputs.push_back(std::move(in));
            continue;
          }
        }
        std::string target = cur ? name(cur->var) : "I_syn";
        return bad(st->loc, "statement in onReceive(" + pn +
                                ") cannot map: a Loihi synapse adds its weight, times constants, to a synaptic "
                                "current ('" + target + " += " + pn + "', '" + target + " += " + pn +
                                " * pA * s') or, as a delta synapse, to the membrane variable ('" + name(s_.V) +
                                " += " + pn + " * mV * s')");
      }
    }
    for (const Port &p : m_.ports)
      if (p.kind == PortKind::Spike) {
        uint32_t pi = uint32_t(&p - m_.ports.data());
        if (std::none_of(s_.portInputs.begin(), s_.portInputs.end(),
                         [&](const LifStructure::PortInput &in) { return in.port == pi; }))
          return bad(p.loc, "spike port '" + p.name + "' adds to no synaptic current (onReceive: 'x += " + p.name +
                                "')");
      }
    return true;
  }

  // --- update: integrate, or hold V while the counter runs ---
  bool integratesAll(const IntegrateOdes &io) const {
    if (io.vars.empty())
      return true;
    if (std::find(io.vars.begin(), io.vars.end(), s_.V) == io.vars.end())
      return false;
    for (const LifStructure::Current &c : s_.currents)
      if (std::find(io.vars.begin(), io.vars.end(), c.var) == io.vars.end())
        return false;
    return true;
  }
  bool integratesCurrentsOnly(const IntegrateOdes &io) const {
    if (io.vars.empty() || std::find(io.vars.begin(), io.vars.end(), s_.V) != io.vars.end())
      return false;
    for (const LifStructure::Current &c : s_.currents)
      if (std::find(io.vars.begin(), io.vars.end(), c.var) == io.vars.end())
        return false;
    return true;
  }
  bool update() {
    const char *why = ": a Loihi compartment's step integrates (or, while refractory, holds the voltage and "
                      "integrates the currents)";
    for (const StmtPtr &st : m_.update) {
      if (auto *io = dyn_cast<IntegrateOdes>(st.get()); io && integratesAll(*io))
        continue;
      if (auto *iff = dyn_cast<If>(st.get())) {
        auto *cmp = dyn_cast<Binary>(peel(iff->cond.get()));
        auto *ref = cmp ? dyn_cast<VarRef>(peel(cmp->lhs.get())) : nullptr;
        bool zero = cmp && isZero(cmp->rhs.get());
        TypeKind kind = ref ? m_.variables[ref->var].type.kind : TypeKind::Error;
        bool sameCounter = ref && (s_.counter == kNoVar || s_.counter == ref->var) && isState(ref->var);
        bool counterTest = sameCounter && zero && kind == TypeKind::Int &&
                           (cmp->op == BinaryOp::Gt || cmp->op == BinaryOp::Ne);
        bool timerTest = sameCounter && zero && kind == TypeKind::Real && cmp->op == BinaryOp::Gt;
        if (!counterTest && !timerTest)
          return bad(iff->cond->loc, "condition '" + text(*iff->cond) + "' in update cannot map" + why +
                                         "; the refractory test reads 'if refr_count > 0:' (integer steps) or "
                                         "'if refr_t > 0 ms:' (a timer)");
        s_.counter = ref->var;
        s_.timer = timerTest;
        bool dec = false, held = false;
        for (const StmtPtr &t : iff->thenBody) {
          auto *as = dyn_cast<Assign>(t.get());
          auto *sub = as && as->target == s_.counter && !as->index ? dyn_cast<Binary>(peel(as->value.get())) : nullptr;
          bool subtracts = sub && sub->op == BinaryOp::Sub && isRef(sub->lhs.get(), s_.counter);
          auto *one = subtracts ? dyn_cast<Constant>(peel(sub->rhs.get())) : nullptr;
          if (!s_.timer && one && one->integer == 1) {
            dec = true;
            continue;
          }
          // refr_t -= resolution(): any decrement that reads no state.
          if (s_.timer && subtracts && !readsState(*sub->rhs) && !s_.timerDecrement) {
            s_.timerDecrement = sub->rhs.get();
            dec = true;
            continue;
          }
          if (auto *io = dyn_cast<IntegrateOdes>(t.get()); io && integratesCurrentsOnly(*io)) {
            held = true;
            if (s_.timer && s_.timerRate &&
                std::find(io->vars.begin(), io->vars.end(), s_.counter) != io->vars.end())
              dec = true;
            else if (s_.timer && s_.timerRate)
              return bad(t->loc, "the refractory branch does not integrate the timer '" + name(s_.counter) +
                                     "': it would never run down (write integrate_odes(..., " +
                                     name(s_.counter) + "))");
            continue;
          }
          return bad(t->loc, "statement in the refractory branch of update cannot map" + std::string(why));
        }
        bool elseOk = iff->elseBody.size() == 1 && isa<IntegrateOdes>(iff->elseBody[0].get()) &&
                      integratesAll(*cast<IntegrateOdes>(iff->elseBody[0].get()));
        std::string down = s_.timer ? "run the timer '" + name(s_.counter) + "' down (its ODE '" + name(s_.counter) +
                                          "' = -1' integrated there, or '" + name(s_.counter) +
                                          " -= resolution()')"
                                    : "count '" + name(s_.counter) + "' down by one";
        if (!dec || !held || !elseOk)
          return bad(iff->loc, "refractory branch must " + down +
                                   " and integrate only the synaptic currents, the other branch "
                                   "integrate everything" + why);
        refractoryBranch_ = true;
        continue;
      }
      return bad(st->loc, "statement in update cannot map" + std::string(why));
    }
    if (s_.timer && !refractoryBranch_)
      return bad(m_.onCondition[0].cond->loc,
                 "refractory timer '" + name(s_.counter) + "' is tested but update has no refractory branch: a "
                 "Loihi soma holds its voltage while refractory ('if " + name(s_.counter) +
                 " > 0 ms: integrate_odes(<currents>, " + name(s_.counter) + ")', else 'integrate_odes(...)')");
    return true;
  }

  // --- onCondition body: counter = const; V = const; emit_spike() ---
  bool spikeBlock() {
    const OnCondition &oc = m_.onCondition[0];
    bool emits = false;
    for (const StmtPtr &st : oc.body) {
      if (auto *em = dyn_cast<EmitSpike>(st.get()); em && em->args.empty()) {
        emits = true;
        continue;
      }
      if (auto *as = dyn_cast<Assign>(st.get()); as && !as->index && !readsState(*as->value)) {
        if (as->target == s_.V && !s_.reset) {
          s_.reset = as->value.get();
          continue;
        }
        if (as->target == s_.counter && s_.counter != kNoVar && !s_.counterReset) {
          s_.counterReset = as->value.get();
          continue;
        }
      }
      return bad(st->loc, "statement in the spike block cannot map: a Loihi soma resets its voltage to a "
                          "constant and starts its refractory delay");
    }
    if (!emits)
      return bad(oc.loc, "the spike block does not call emit_spike()");
    if (!s_.reset)
      return bad(oc.loc, "the spike block does not reset '" + name(s_.V) +
                             "' to a constant: a Loihi soma resets its voltage on every spike");
    if (s_.counter != kNoVar && !s_.counterReset)
      return bad(oc.loc, "the spike block does not start the refractory count '" + name(s_.counter) + "'");
    return true;
  }

  Model &m_;
  DiagnosticEngine &diags_;
  Builder b_;
  LifStructure s_;
  const Expr *badTerm_ = nullptr;
  bool refractoryBranch_ = false;
  bool failed_ = false;
};

} // namespace

std::optional<LifStructure> recogniseLif(Model &model, DiagnosticEngine &diags) {
  return Recogniser(model, diags).run();
}

} // namespace nsc::loihi
