//===- SynapseModelInfo.cpp - What the runtime needs to know of a synapse model ===//
#include "SynapseModelInfo.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

namespace nsc::network {

using namespace ir;

namespace {

using ExprFn = std::function<void(const Expr &)>;
using StmtFn = std::function<void(const Stmt &)>;

void forEachNode(const Expr &e, const ExprFn &fn) {
  fn(e);
  auto go = [&](const ExprPtr &x) {
    if (x)
      forEachNode(*x, fn);
  };
  switch (e.kind) {
  case ExprKind::VarRef: go(cast<VarRef>(&e)->index); break;
  case ExprKind::PortRef: go(cast<PortRef>(&e)->index); break;
  case ExprKind::Unary: go(cast<Unary>(&e)->operand); break;
  case ExprKind::Binary:
    go(cast<Binary>(&e)->lhs);
    go(cast<Binary>(&e)->rhs);
    break;
  case ExprKind::Select:
    go(cast<Select>(&e)->cond);
    go(cast<Select>(&e)->thenExpr);
    go(cast<Select>(&e)->elseExpr);
    break;
  case ExprKind::Call:
    for (const ExprPtr &a : cast<Call>(&e)->args)
      go(a);
    break;
  case ExprKind::UnitConvert: go(cast<UnitConvert>(&e)->operand); break;
  case ExprKind::Cast: go(cast<Cast>(&e)->operand); break;
  case ExprKind::List:
    for (const ExprPtr &a : cast<List>(&e)->elements)
      go(a);
    break;
  default: break;
  }
}

/// Every statement of `b` (nested ones included) and every expression node
/// they hold.
void walk(const Block &b, const StmtFn &onStmt, const ExprFn &onExpr) {
  auto ex = [&](const ExprPtr &x) {
    if (x)
      forEachNode(*x, onExpr);
  };
  for (const StmtPtr &sp : b) {
    const Stmt &s = *sp;
    onStmt(s);
    switch (s.kind) {
    case StmtKind::Assign:
      ex(cast<Assign>(&s)->index);
      ex(cast<Assign>(&s)->value);
      break;
    case StmtKind::If:
      ex(cast<If>(&s)->cond);
      walk(cast<If>(&s)->thenBody, onStmt, onExpr);
      walk(cast<If>(&s)->elseBody, onStmt, onExpr);
      break;
    case StmtKind::For:
      ex(cast<For>(&s)->from);
      ex(cast<For>(&s)->to);
      ex(cast<For>(&s)->step);
      walk(cast<For>(&s)->body, onStmt, onExpr);
      break;
    case StmtKind::While:
      ex(cast<While>(&s)->cond);
      walk(cast<While>(&s)->body, onStmt, onExpr);
      break;
    case StmtKind::Return: ex(cast<Return>(&s)->value); break;
    case StmtKind::EmitSpike:
      for (const ExprPtr &a : cast<EmitSpike>(&s)->args)
        ex(a);
      break;
    case StmtKind::CallStmt: ex(cast<CallStmt>(&s)->call); break;
    case StmtKind::LocalDecl: ex(cast<LocalDecl>(&s)->init); break;
    case StmtKind::ComputePropagator:
      for (const ExprPtr &a : cast<ComputePropagator>(&s)->matrix)
        ex(a);
      break;
    case StmtKind::IntegrateOdes: break;
    }
  }
}

bool isRandomBuiltin(Builtin b) {
  return b == Builtin::RandomNormal || b == Builtin::RandomUniform || b == Builtin::RandomPoisson ||
         b == Builtin::RandomLognormal || b == Builtin::RandomExponential;
}

bool isPrint(Builtin b) { return b == Builtin::Print || b == Builtin::Println || b == Builtin::Info; }

bool isF64Real(const Type &t) { return t.kind == TypeKind::Real && t.precision.kind == Precision::F64; }

/// The post-synaptic port is named `post_spikes` or `post...` (NESTML's
/// convention); every other spike port is presynaptic.
bool isPostName(const std::string &n) { return n.rfind("post", 0) == 0; }

/// The neuromodulator port is named `mod...` (NESTML's `mod_spikes`).
bool isModName(const std::string &n) { return n.rfind("mod", 0) == 0; }

/// `update:` of the form `local a_i = c_i * x_i` (or `x_i * c_i`) ...
/// `x_i = a_i`: independent decays of distinct states.
std::optional<std::vector<std::pair<VarId, VarId>>> findDecays(const Model &m, const std::vector<bool> &assigned) {
  std::map<VarId, std::pair<VarId, VarId>> locals; // local -> (state, coefficient)
  std::set<VarId> written;
  std::vector<std::pair<VarId, VarId>> out;
  auto plainRef = [&](const Expr *e) -> const VarRef * {
    auto *r = dyn_cast<VarRef>(e);
    return r && !r->index && !m.variables[r->var].vectorSize ? r : nullptr;
  };
  for (const StmtPtr &sp : m.update) {
    if (auto *d = dyn_cast<LocalDecl>(sp.get())) {
      auto *mul = d->init ? dyn_cast<Binary>(d->init.get()) : nullptr;
      if (!mul || mul->op != BinaryOp::Mul || !isF64Real(mul->type) ||
          !isF64Real(m.variables[d->var].type))
        return std::nullopt;
      const VarRef *a = plainRef(mul->lhs.get()), *b = plainRef(mul->rhs.get());
      if (!a || !b)
        return std::nullopt;
      const Variable &va = m.variables[a->var], &vb = m.variables[b->var];
      const VarRef *state = va.role == VarRole::State ? a : vb.role == VarRole::State ? b : nullptr;
      const VarRef *coef = state == a ? b : a;
      if (!state)
        return std::nullopt;
      const Variable &vc = m.variables[coef->var];
      if ((vc.role != VarRole::Parameter && vc.role != VarRole::Internal) || assigned[coef->var] ||
          !isF64Real(vc.type) || !isF64Real(m.variables[state->var].type) || written.count(state->var))
        return std::nullopt;
      locals[d->var] = {state->var, coef->var};
      continue;
    }
    auto *as = dyn_cast<Assign>(sp.get());
    if (!as || as->index)
      return std::nullopt;
    auto *src = plainRef(as->value.get());
    auto it = src ? locals.find(src->var) : locals.end();
    if (it == locals.end() || it->second.first != as->target || written.count(as->target))
      return std::nullopt;
    written.insert(as->target);
    out.push_back(it->second);
  }
  return out;
}

} // namespace

bool analyzeSynapseModel(const Model &m, SynapseModelInfo &info, std::string &error) {
  info = SynapseModelInfo{};
  info.model = &m;
  const std::string name = "synapse model '" + m.name + "'";
  if (m.semantics.precision.kind == Precision::Fixed) {
    error = name + " uses " + m.semantics.precision.str() + "; plastic synapses run in floating point only";
    return false;
  }
  if (!m.odes.equations.empty() || !m.odes.kernels.empty()) {
    error = name + " still has ODEs: run the default pass pipeline first";
    return false;
  }
  if (!m.onCondition.empty()) {
    error = name + " has onCondition blocks; a synapse runs only update and onReceive (docs/semantics.md R24)";
    return false;
  }
  for (uint32_t p = 0; p < m.ports.size(); ++p) {
    const Port &port = m.ports[p];
    if (port.vectorSize) {
      error = name + ": the vector port '" + port.name + "' cannot receive pre- or postsynaptic spikes";
      return false;
    }
    if (port.kind == PortKind::Continuous) {
      info.postReadPorts.push_back(p); // the postsynaptic neuron's variable of this name
      continue;
    }
    const bool post = isPostName(port.name), mod = !post && isModName(port.name);
    std::optional<uint32_t> &slot = post ? info.postPort : mod ? info.modPort : info.prePort;
    if (slot) {
      error = name + " has two " + (post ? "postsynaptic" : mod ? "neuromodulator" : "presynaptic") +
              " spike ports ('" + m.ports[*slot].name + "', '" + port.name +
              "'); it needs one presynaptic port, at most one postsynaptic port named 'post...' and at most one "
              "neuromodulator port named 'mod...'";
      return false;
    }
    slot = p;
  }
  for (unsigned h = 0; h < m.onReceive.size(); ++h)
    info.handlerOrder.push_back(h);
  std::stable_sort(info.handlerOrder.begin(), info.handlerOrder.end(),
                   [&](unsigned a, unsigned b) { return m.onReceive[a].priority > m.onReceive[b].priority; });
  for (const OnReceive &r : m.onReceive) {
    info.handlesPre = info.handlesPre || (info.prePort && r.port == *info.prePort);
    info.handlesPost = info.handlesPost || (info.postPort && r.port == *info.postPort);
  }

  // What the code assigns, emits and draws.
  info.assigned.assign(m.variables.size(), false);
  bool updateEmitsOrPrints = false, updateCallsFunctions = false, functionsEmitOrPrint = false;
  auto onStmt = [&](const Stmt &s) {
    if (auto *a = dyn_cast<Assign>(&s))
      info.assigned[a->target] = true;
    else if (auto *f = dyn_cast<For>(&s))
      info.assigned[f->var] = true;
    else if (auto *d = dyn_cast<LocalDecl>(&s))
      info.assigned[d->var] = true;
    else if (auto *e = dyn_cast<EmitSpike>(&s))
      info.emits.push_back(e);
  };
  auto onExpr = [&](const Expr &e) {
    if (auto *c = dyn_cast<Call>(&e))
      info.usesRandom = info.usesRandom || isRandomBuiltin(c->builtin);
  };
  for (const OnReceive &r : m.onReceive)
    walk(r.body, onStmt, onExpr);
  for (const Function &f : m.functions)
    walk(
        f.body,
        [&](const Stmt &s) {
          onStmt(s);
          functionsEmitOrPrint = functionsEmitOrPrint || s.kind == StmtKind::EmitSpike;
        },
        [&](const Expr &e) {
          onExpr(e);
          if (auto *c = dyn_cast<Call>(&e))
            functionsEmitOrPrint = functionsEmitOrPrint || isPrint(c->builtin);
        });
  walk(
      m.update,
      [&](const Stmt &s) {
        onStmt(s);
        updateEmitsOrPrints = updateEmitsOrPrints || s.kind == StmtKind::EmitSpike;
      },
      [&](const Expr &e) {
        onExpr(e);
        if (auto *c = dyn_cast<Call>(&e)) {
          updateEmitsOrPrints = updateEmitsOrPrints || isPrint(c->builtin);
          updateCallsFunctions = updateCallsFunctions || c->builtin == Builtin::User;
        }
        if (auto *pr = dyn_cast<PortRef>(&e))
          info.updateReadsPost = info.updateReadsPost || m.ports[pr->port].kind == PortKind::Continuous;
      });
  // A function that update calls may read a continuous port too.
  bool functionsReadPost = false;
  for (const Function &f : m.functions)
    walk(f.body, [](const Stmt &) {}, [&](const Expr &e) {
      if (auto *pr = dyn_cast<PortRef>(&e))
        functionsReadPost = functionsReadPost || m.ports[pr->port].kind == PortKind::Continuous;
    });
  info.updateReadsPost = info.updateReadsPost || (updateCallsFunctions && functionsReadPost);
  info.emptyUpdate = m.update.empty();
  info.lazyUpdate =
      !updateEmitsOrPrints && !(updateCallsFunctions && functionsEmitOrPrint) && !info.updateReadsPost;
  if (info.lazyUpdate)
    info.decays = findDecays(m, info.assigned);

  // The weight variable and the delays.
  for (const EmitSpike *e : info.emits)
    if (e->args.empty()) {
      error = name + " calls emit_spike() without a weight; a synapse forwards spikes with emit_spike(w, d)";
      return false;
    }
  if (!info.emits.empty())
    if (auto *r = dyn_cast<VarRef>(info.emits.front()->args[0].get()); r && !r->index &&
                                                                        !m.variables[r->var].vectorSize &&
                                                                        m.variables[r->var].role != VarRole::Local)
      info.weightVar = r->var;
  if (!info.weightVar)
    if (auto w = m.findVariable("w"); w && !m.variables[*w].vectorSize)
      info.weightVar = *w;
  // What initialisation depends on.
  auto onInitExpr = [&](const Expr &e) {
    if (auto *c = dyn_cast<Call>(&e))
      info.initUsesRandom = info.initUsesRandom || isRandomBuiltin(c->builtin) || c->builtin == Builtin::User;
    if (auto *r = dyn_cast<VarRef>(&e))
      info.initReadsWeight = info.initReadsWeight || (info.weightVar && r->var == *info.weightVar);
  };
  for (const Variable &v : m.variables)
    if (v.init && v.role != VarRole::Local && v.role != VarRole::Argument)
      forEachNode(*v.init, onInitExpr);
  walk(m.prepare, [](const Stmt &) {}, onInitExpr);
  for (const EmitSpike *e : info.emits) {
    if (e->args.size() < 2)
      continue;
    forEachNode(*e->args[1], [&](const Expr &x) {
      if (auto *r = dyn_cast<VarRef>(&x)) {
        VarRole role = m.variables[r->var].role;
        if (info.assigned[r->var] || role == VarRole::Local || role == VarRole::Argument)
          info.delaysStatic = false;
      } else if (auto *c = dyn_cast<Call>(&x)) {
        if (isRandomBuiltin(c->builtin) || c->builtin == Builtin::Time || c->builtin == Builtin::User)
          info.delaysStatic = false;
      } else if (x.kind == ExprKind::PortRef) {
        info.delaysStatic = false;
      }
    });
  }
  return true;
}

} // namespace nsc::network
