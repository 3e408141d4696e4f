//===- LifStructure.cpp - Recognising a current-based LIF in the IR -------===//
//
// The checks run in the order a reader would explain the model: the spike
// condition names the membrane variable; its equation must be linear in
// itself and in synaptic variables; each synaptic variable must decay
// exponentially on its own and receive spikes by `x += port`; `update:`
// integrates (holding V while a refractory counter runs); the spike block
// resets V to a constant. The first construct that breaks this gets the
// diagnostic, with the reason in Loihi terms.
//
//===----------------------------------------------------------------------===//
#include "LifStructure.h"

#include "nsc/ir/Builder.h"
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
                                     "threshold (outside an optional integer refractory count)");
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
        auto *zero = dyn_cast<Constant>(peel(b->rhs.get()));
        if (ref && isState(ref->var) && m_.variables[ref->var].type.kind == TypeKind::Int && zero &&
            zero->integer == 0 && s_.counter == kNoVar) {
          s_.counter = ref->var;
          continue;
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
    for (const OdeEquation &e : m_.odes.equations)
      if (e.var != s_.V && !s_.currentFor(e.var))
        return bad(e.loc, "'" + name(e.var) + "' has an equation but is neither the membrane variable nor a "
                                              "synaptic input of it: a Loihi compartment has no further state");
    return true;
  }

  // --- onReceive(port): x += port ---
  bool receives() {
    for (const OnReceive &h : m_.onReceive) {
      for (const StmtPtr &st : h.body) {
        auto *as = dyn_cast<Assign>(st.get());
        const Binary *add = as && !as->index ? dyn_cast<Binary>(peel(as->value.get())) : nullptr;
        const LifStructure::Current *cur = as ? s_.currentFor(as->target) : nullptr;
        if (add && cur && add->op == BinaryOp::Add) {
          const Expr *other = isRef(add->lhs.get(), as->target) ? add->rhs.get()
                              : isRef(add->rhs.get(), as->target) ? add->lhs.get()
                                                                   : nullptr;
          double factor = 1;
          auto *port = other ? dyn_cast<PortRef>(peel(other, &factor)) : nullptr;
          if (port && port->port == h.port && !port->index) {
            s_.portInputs.push_back({h.port, size_t(cur - s_.currents.data()), factor});
            continue;
          }
        }
        return bad(st->loc, "statement in onReceive(" + m_.ports[h.port].name +
                                ") cannot map: a Loihi synapse only adds its weight to a synaptic current "
                                "('x += " + m_.ports[h.port].name + "')");
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
        auto *zero = cmp ? dyn_cast<Constant>(peel(cmp->rhs.get())) : nullptr;
        bool counterTest = ref && (cmp->op == BinaryOp::Gt || cmp->op == BinaryOp::Ne) && zero && zero->integer == 0 &&
                           (s_.counter == kNoVar || s_.counter == ref->var) &&
                           m_.variables[ref->var].type.kind == TypeKind::Int && isState(ref->var);
        if (!counterTest)
          return bad(iff->cond->loc, "condition '" + text(*iff->cond) + "' in update cannot map" + why);
        s_.counter = ref->var;
        bool dec = false, held = false;
        for (const StmtPtr &t : iff->thenBody) {
          auto *as = dyn_cast<Assign>(t.get());
          auto *sub = as && as->target == s_.counter ? dyn_cast<Binary>(peel(as->value.get())) : nullptr;
          auto *one = sub ? dyn_cast<Constant>(peel(sub->rhs.get())) : nullptr;
          if (sub && sub->op == BinaryOp::Sub && isRef(sub->lhs.get(), s_.counter) && one && one->integer == 1) {
            dec = true;
            continue;
          }
          if (auto *io = dyn_cast<IntegrateOdes>(t.get()); io && integratesCurrentsOnly(*io)) {
            held = true;
            continue;
          }
          return bad(t->loc, "statement in the refractory branch of update cannot map" + std::string(why));
        }
        bool elseOk = iff->elseBody.size() == 1 && isa<IntegrateOdes>(iff->elseBody[0].get()) &&
                      integratesAll(*cast<IntegrateOdes>(iff->elseBody[0].get()));
        if (!dec || !held || !elseOk)
          return bad(iff->loc, "refractory branch must count '" + name(s_.counter) +
                                   "' down by one and integrate only the synaptic currents, the other branch "
                                   "integrate everything" + why);
        continue;
      }
      return bad(st->loc, "statement in update cannot map" + std::string(why));
    }
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
  bool failed_ = false;
};

} // namespace

std::optional<LifStructure> recogniseLif(Model &model, DiagnosticEngine &diags) {
  return Recogniser(model, diags).run();
}

} // namespace nsc::loihi
