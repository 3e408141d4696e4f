//===- Printer.cpp - Text form of the IR ----------------------------------===//
//
// The format is pinned by golden lit tests (test/lit/ir): change it only on
// purpose, and update the tests with it. Everything printed is a function of
// the IR alone (no addresses, no hash-map order), so output is deterministic.
//
//===----------------------------------------------------------------------===//
#include "nsc/ir/Printer.h"

#include <fmt/format.h>

#include <map>
#include <ostream>
#include <sstream>

namespace nsc::ir {

std::string formatReal(double v) {
  std::string s = fmt::format("{}", v);
  if (s.find_first_of(".eni") == std::string::npos)
    s += ".0";
  return s;
}

static bool isPlainNumber(const units::Unit &u) {
  return u.isDimensionless() && u.scale == 1.0;
}

std::string printType(const Type &t, const Precision *context) {
  std::string s;
  switch (t.kind) {
  case TypeKind::Error: return "<error>";
  case TypeKind::Void: return "void";
  case TypeKind::Bool: return "bool";
  case TypeKind::String: return "string";
  case TypeKind::Int:
    return isPlainNumber(t.unit) ? "int" : "int<" + units::formatUnit(t.unit) + ">";
  case TypeKind::Real:
    s = isPlainNumber(t.unit) ? "real" : units::formatUnit(t.unit);
    if (context && !(t.precision == *context))
      s += ":" + precisionName(t.precision);
    return s;
  }
  return "?";
}

std::string printSemantics(const Semantics &s) {
  std::string precision = precisionName(s.precision);
  if (s.precision.kind == Precision::Fixed && s.fixedFormats == FixedFormats::PerVariable)
    precision += " per_variable";
  return fmt::format("{{dt = {} ms, solver = {}, precision = {}, spikes = {}, seed = {}, "
                     "rk45_rtol = {}, rk45_atol = {}}}",
                     formatReal(s.dtMs), solverName(s.solver), precision,
                     spikeModeName(s.spikes), s.seed, formatReal(s.rk45Rtol),
                     formatReal(s.rk45Atol));
}

static std::string quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20)
        out += fmt::format("\\x{:02x}", static_cast<unsigned char>(c));
      else
        out += c;
    }
  }
  return out + "\"";
}

namespace {

class Printer {
public:
  Printer(std::ostream &os, const Model *model) : os_(os), model_(model) {
    if (!model)
      return;
    std::map<std::string, unsigned> count;
    for (const Variable &v : model->variables)
      ++count[v.name];
    for (const Variable &v : model->variables)
      varNames_.push_back(count[v.name] > 1 ? fmt::format("%{}.{}", v.name, v.id) : "%" + v.name);
  }

  std::string var(VarId v) const {
    if (v < varNames_.size())
      return varNames_[v];
    return fmt::format("%v{}", v);
  }
  std::string type(const Type &t) const {
    return printType(t, model_ ? &model_->semantics.precision : nullptr);
  }

  std::string expr(const Expr *e) const {
    if (!e)
      return "<null>";
    switch (e->kind) {
    case ExprKind::Constant: {
      auto *c = cast<Constant>(e);
      switch (c->type.kind) {
      case TypeKind::Real:
      case TypeKind::Int: {
        std::string v = c->type.kind == TypeKind::Real ? formatReal(c->real)
                                                       : std::to_string(c->integer);
        if (!isPlainNumber(c->type.unit))
          v += " " + units::formatUnit(c->type.unit);
        return v;
      }
      case TypeKind::Bool: return c->boolean ? "true" : "false";
      case TypeKind::String: return quote(c->str);
      default: return "<error-constant>";
      }
    }
    case ExprKind::VarRef: {
      auto *v = cast<VarRef>(e);
      std::string s = var(v->var);
      if (v->index)
        s += "[" + expr(v->index.get()) + "]";
      return s;
    }
    case ExprKind::Derivative: {
      auto *d = cast<Derivative>(e);
      return var(d->var) + std::string(d->order, '\'');
    }
    case ExprKind::PortRef: {
      auto *p = cast<PortRef>(e);
      std::string s = model_ && p->port < model_->ports.size()
                          ? "@" + model_->ports[p->port].name
                          : fmt::format("@port{}", p->port);
      if (p->index)
        s += "[" + expr(p->index.get()) + "]";
      return s;
    }
    case ExprKind::InlineRef: {
      auto id = cast<InlineRef>(e)->inlineId;
      return model_ && id < model_->odes.inlines.size() ? "@" + model_->odes.inlines[id].name
                                                        : fmt::format("@inline{}", id);
    }
    case ExprKind::KernelRef: {
      auto *k = cast<KernelRef>(e);
      std::string s = model_ && k->kernel < model_->odes.kernels.size()
                          ? "@" + model_->odes.kernels[k->kernel].name
                          : fmt::format("@kernel{}", k->kernel);
      return s + std::string(k->order, '\'');
    }
    case ExprKind::Unary: {
      auto *u = cast<Unary>(e);
      return fmt::format("({}{})", unaryOpName(u->op), expr(u->operand.get()));
    }
    case ExprKind::Binary: {
      auto *b = cast<Binary>(e);
      return fmt::format("({} {} {})", expr(b->lhs.get()), binaryOpName(b->op), expr(b->rhs.get()));
    }
    case ExprKind::Select: {
      auto *s = cast<Select>(e);
      return fmt::format("select({}, {}, {})", expr(s->cond.get()), expr(s->thenExpr.get()),
                         expr(s->elseExpr.get()));
    }
    case ExprKind::Call: {
      auto *c = cast<Call>(e);
      std::string s;
      if (c->builtin == Builtin::User)
        s = model_ && c->function < model_->functions.size()
                ? "call @" + model_->functions[c->function].name
                : fmt::format("call @function{}", c->function);
      else
        s = builtinName(c->builtin);
      return s + "(" + exprList(c->args) + ")";
    }
    case ExprKind::UnitConvert: {
      auto *u = cast<UnitConvert>(e);
      std::string from = u->operand ? units::formatUnit(u->operand->type.unit) : "?";
      return fmt::format("convert<{} -> {}, {}>({})", from, units::formatUnit(u->type.unit),
                         formatReal(u->factor), expr(u->operand.get()));
    }
    case ExprKind::Cast: {
      auto *c = cast<Cast>(e);
      std::string s = castKindName(c->castKind);
      if (c->castKind == CastKind::ReinterpretUnit || c->castKind == CastKind::PrecisionCast)
        s += "<" + printType(c->type, nullptr) +
             (c->castKind == CastKind::PrecisionCast ? ":" + precisionName(c->type.precision) : "") +
             ">";
      return s + "(" + expr(c->operand.get()) + ")";
    }
    case ExprKind::List:
      return "[" + exprList(cast<List>(e)->elements) + "]";
    }
    return "<?>";
  }

  std::string exprList(const std::vector<ExprPtr> &es) const {
    std::string s;
    for (size_t i = 0; i < es.size(); ++i)
      s += (i ? ", " : "") + expr(es[i].get());
    return s;
  }

  void line(unsigned indent, const std::string &text) {
    os_ << std::string(indent * 2, ' ') << text << '\n';
  }

  void block(unsigned indent, const Block &b) {
    for (const StmtPtr &s : b)
      stmt(indent, s.get());
  }

  void stmt(unsigned ind, const Stmt *s) {
    switch (s->kind) {
    case StmtKind::Assign: {
      auto *a = cast<Assign>(s);
      std::string t = var(a->target);
      if (a->index)
        t += "[" + expr(a->index.get()) + "]";
      line(ind, t + " = " + expr(a->value.get()));
      return;
    }
    case StmtKind::If: {
      auto *i = cast<If>(s);
      line(ind, "if " + expr(i->cond.get()) + " {");
      block(ind + 1, i->thenBody);
      if (!i->elseBody.empty()) {
        line(ind, "} else {");
        block(ind + 1, i->elseBody);
      }
      line(ind, "}");
      return;
    }
    case StmtKind::For: {
      auto *f = cast<For>(s);
      line(ind, fmt::format("for {} = {} to {} step {} {{", var(f->var), expr(f->from.get()),
                            expr(f->to.get()), expr(f->step.get())));
      block(ind + 1, f->body);
      line(ind, "}");
      return;
    }
    case StmtKind::While: {
      auto *w = cast<While>(s);
      line(ind, "while " + expr(w->cond.get()) + " {");
      block(ind + 1, w->body);
      line(ind, "}");
      return;
    }
    case StmtKind::Return: {
      auto *r = cast<Return>(s);
      line(ind, r->value ? "return " + expr(r->value.get()) : "return");
      return;
    }
    case StmtKind::EmitSpike:
      line(ind, "emit_spike(" + exprList(cast<EmitSpike>(s)->args) + ")");
      return;
    case StmtKind::IntegrateOdes: {
      auto *i = cast<IntegrateOdes>(s);
      std::string args;
      for (size_t k = 0; k < i->vars.size(); ++k)
        args += (k ? ", " : "") + var(i->vars[k]);
      line(ind, "integrate_odes(" + (i->vars.empty() ? std::string("all") : args) + ")");
      return;
    }
    case StmtKind::CallStmt:
      line(ind, expr(cast<CallStmt>(s)->call.get()));
      return;
    case StmtKind::LocalDecl: {
      auto *d = cast<LocalDecl>(s);
      std::string t = "local " + var(d->var);
      if (model_ && d->var < model_->variables.size()) {
        const Variable &v = model_->variables[d->var];
        t += " : " + type(v.type);
        if (v.vectorSize)
          t += fmt::format("[{}]", v.vectorSize);
      }
      if (d->init)
        t += " = " + expr(d->init.get());
      line(ind, t);
      return;
    }
    case StmtKind::ComputePropagator: {
      auto *c = cast<ComputePropagator>(s);
      line(ind, fmt::format("compute_propagator size {} dt {} {{", c->size, formatReal(c->dtMs)));
      auto outName = [&](VarId v) { return v == kNoVar ? std::string("_") : var(v); };
      for (unsigned i = 0; i < c->size; ++i)
        for (unsigned j = 0; j < c->size; ++j) {
          size_t k = size_t(i) * c->size + j;
          if (!c->matrix[k] && c->propagator[k] == kNoVar && c->inputGain[k] == kNoVar)
            continue;
          line(ind + 1, fmt::format("A[{},{}] = {} -> P {}, M {}", i, j,
                                    c->matrix[k] ? expr(c->matrix[k].get()) : std::string("0"),
                                    outName(c->propagator[k]), outName(c->inputGain[k])));
        }
      line(ind, "}");
      return;
    }
    }
  }

  void model(const Model &m) {
    std::string head = fmt::format("model @{} ({})", m.name,
                                   m.kind == ModelKind::Neuron ? "neuron" : "synapse");
    if (!m.specializationOf.empty())
      head += " specializes @" + m.specializationOf;
    line(0, head + " semantics " + printSemantics(m.semantics) + " {");
    for (const Variable &v : m.variables) {
      if (v.role == VarRole::Local || v.role == VarRole::Argument)
        continue;
      std::string t = fmt::format("{} {} : {}", varRoleName(v.role), var(v.id), type(v.type));
      if (v.vectorSize)
        t += fmt::format("[{}]", v.vectorSize);
      if (v.init)
        t += " = " + expr(v.init.get());
      if (v.guard)
        t += " [[" + expr(v.guard.get()) + "]]";
      if (v.recordable)
        t += " recordable";
      for (const std::string &d : v.decorators)
        t += " @" + d;
      line(1, t);
    }
    if (!m.initOrder.empty()) {
      std::string t = "init_order";
      for (size_t i = 0; i < m.initOrder.size(); ++i)
        t += (i ? ", " : " ") + var(m.initOrder[i]);
      line(1, t);
    }
    for (const Port &p : m.ports) {
      std::string t = "input @" + p.name;
      if (p.vectorSize)
        t += fmt::format("[{}]", p.vectorSize);
      t += p.kind == PortKind::Spike ? " : spike<" : " : continuous<";
      t += type(p.type) + ">";
      if (p.excitatory)
        t += " excitatory";
      if (p.inhibitory)
        t += " inhibitory";
      line(1, t);
    }
    if (m.outputSpike)
      line(1, "output spike");
    if (m.outputContinuous)
      line(1, "output continuous");
    for (const InlineExpr &i : m.odes.inlines)
      line(1, fmt::format("inline @{} : {} = {}{}", i.name, type(i.type), expr(i.rhs.get()),
                          i.recordable ? " recordable" : ""));
    for (const Kernel &k : m.odes.kernels)
      line(1, fmt::format("kernel @{}{} : {} = {}", k.name, std::string(k.order, '\''),
                          type(derivativeTypeOf(k.type, k.order)), expr(k.rhs.get())));
    for (const OdeEquation &e : m.odes.equations) {
      Type t = e.var < m.variables.size() ? derivativeTypeOf(m.variables[e.var].type, e.order)
                                          : Type::error();
      line(1, fmt::format("ode {}{} : {} = {}", var(e.var), std::string(e.order, '\''), type(t),
                          expr(e.rhs.get())));
    }
    for (const Function &f : m.functions) {
      std::string params;
      for (size_t i = 0; i < f.params.size(); ++i) {
        VarId p = f.params[i];
        params += (i ? ", " : "") + var(p);
        if (p < m.variables.size())
          params += " : " + type(m.variables[p].type);
      }
      line(1, fmt::format("function @{}({}) -> {} {{", f.name, params, type(f.returnType)));
      block(2, f.body);
      line(1, "}");
    }
    if (!m.prepare.empty()) {
      line(1, "prepare {");
      block(2, m.prepare);
      line(1, "}");
    }
    if (!m.update.empty()) {
      line(1, "update {");
      block(2, m.update);
      line(1, "}");
    }
    for (const OnReceive &r : m.onReceive) {
      std::string port = r.port < m.ports.size() ? m.ports[r.port].name : fmt::format("port{}", r.port);
      line(1, fmt::format("on_receive @{} priority {} {{", port, r.priority));
      block(2, r.body);
      line(1, "}");
    }
    for (const OnCondition &c : m.onCondition) {
      line(1, "on_condition " + expr(c.cond.get()) + " {");
      block(2, c.body);
      line(1, "}");
    }
    line(0, "}");
  }

  static Type derivativeTypeOf(const Type &t, unsigned order) {
    Type d = t;
    if (order == 0 || t.isError())
      return d;
    if (d.kind == TypeKind::Int)
      d.kind = TypeKind::Real;
    units::Unit ms;
    ms.dim = units::Dimension::time();
    ms.scale = 1e-3;
    d.unit = t.unit / ms.pow(static_cast<int>(order));
    return d;
  }

private:
  std::ostream &os_;
  const Model *model_;
  std::vector<std::string> varNames_;
};

std::string sliceText(const Network &n, const PopulationSlice &s) {
  std::string name = s.population < n.populations.size() ? n.populations[s.population].name
                                                         : fmt::format("pop{}", s.population);
  return fmt::format("@{}[{}:{}]", name, s.begin, s.end);
}

} // namespace

void printModel(const Model &m, std::ostream &os) { Printer(os, &m).model(m); }

void printNetwork(const Network &n, const Module &mod, std::ostream &os) {
  Printer top(os, nullptr);
  top.line(0, fmt::format("network @{} semantics {} {{", n.name, printSemantics(n.semantics)));
  for (const Population &p : n.populations) {
    const Model *model = p.kind == PopulationKind::Model && p.model < mod.models.size()
                             ? mod.models[p.model].get()
                             : nullptr;
    std::string head = "population @" + p.name + " : ";
    head += p.kind == PopulationKind::Model ? "@" + (model ? model->name : p.modelName)
                                            : populationKindName(p.kind);
    head += fmt::format("[{}]", p.size);
    if (p.semantics != n.semantics)
      head += " semantics " + printSemantics(p.semantics);
    if (p.inits.empty() && p.constantInputs.empty() && p.file.empty()) {
      top.line(1, head);
      continue;
    }
    top.line(1, head + " {");
    Printer inner(os, model);
    if (!p.file.empty())
      inner.line(2, "file = " + quote(p.file));
    for (const PopulationInit &i : p.inits) {
      if (p.kind == PopulationKind::Model)
        inner.line(2, "init " + inner.var(i.var) + " = " + inner.expr(i.value.get()));
      else
        inner.line(2, i.name + " = " + inner.expr(i.value.get()));
    }
    for (const ConstantInput &c : p.constantInputs)
      inner.line(2, "constant_input " + c.portName + " = " + formatReal(c.value));
    top.line(1, "}");
  }
  for (const Projection &pr : n.projections) {
    std::string head = "projection ";
    if (!pr.name.empty())
      head += "@" + pr.name + " ";
    head += sliceText(n, pr.source) + " -> " + sliceText(n, pr.target) + " : " +
            connectionRuleName(pr.conn.rule);
    std::vector<std::string> args;
    switch (pr.conn.rule) {
    case ConnectionRule::FixedProbability: args.push_back("p = " + formatReal(pr.conn.probability)); break;
    case ConnectionRule::FixedIndegree:
    case ConnectionRule::FixedOutdegree: args.push_back(fmt::format("k = {}", pr.conn.count)); break;
    case ConnectionRule::FromFile: args.push_back("path = " + quote(pr.conn.path)); break;
    case ConnectionRule::PairwiseBernoulli:
      if (pr.conn.pairProbability)
        args.push_back("p = " + printExpr(*pr.conn.pairProbability, &pairVariables()));
      break;
    case ConnectionRule::SmallWorld:
      args.push_back(fmt::format("k = {}", pr.conn.count));
      args.push_back("p = " + formatReal(pr.conn.probability));
      break;
    default: break;
    }
    if (!pr.conn.allowAutapses)
      args.push_back("allow_autapses = false");
    if (!pr.conn.allowMultapses)
      args.push_back("allow_multapses = false");
    if (!args.empty()) {
      head += "(";
      for (size_t i = 0; i < args.size(); ++i)
        head += (i ? ", " : "") + args[i];
      head += ")";
    }
    top.line(1, head + " {");
    top.line(2, "port @" + pr.portName);
    if (pr.coupling != Coupling::None)
      top.line(2, std::string(pr.coupling == Coupling::GapJunction ? "gap_junction" : "variable") + " %" +
                      pr.variableName);
    if (pr.negativePort)
      top.line(2, "negative_weights -> @" + pr.negativePortName + " (as |w|)");
    if (pr.weight)
      top.line(2, "weight = " + top.expr(pr.weight.get()));
    if (pr.delay) {
      std::string d = "delay = " + top.expr(pr.delay.get());
      if (pr.delaySteps >= 0)
        d += fmt::format(" ({} step{})", pr.delaySteps, pr.delaySteps == 1 ? "" : "s");
      top.line(2, d);
    }
    if (pr.hasSynapse) {
      const Model *syn = pr.synapseModel < mod.models.size() ? mod.models[pr.synapseModel].get() : nullptr;
      Printer inner(os, syn);
      if (pr.synapseParams.empty()) {
        top.line(2, "synapse @" + pr.synapseName);
      } else {
        top.line(2, "synapse @" + pr.synapseName + " {");
        for (const PopulationInit &i : pr.synapseParams)
          inner.line(3, "init " + inner.var(i.var) + " = " + inner.expr(i.value.get()));
        top.line(2, "}");
      }
    }
    top.line(1, "}");
  }
  for (const Recorder &r : n.recorders) {
    std::string what;
    for (size_t i = 0; i < r.what.size(); ++i) {
      const RecordItem &it = r.what[i];
      what += i ? ", " : "";
      what += it.kind == RecordItem::Kind::Spikes ? "spikes"
              : it.kind == RecordItem::Kind::Inline ? "@" + it.name
                                                    : "%" + it.name;
    }
    std::string every = r.intervalMs > 0
                            ? fmt::format("every {} ms ({} step{})", formatReal(r.intervalMs),
                                          r.intervalSteps, r.intervalSteps == 1 ? "" : "s")
                            : "every step";
    top.line(1, fmt::format("record {} : {} from {} {}", quote(r.label), what,
                            sliceText(n, r.target), every));
  }
  for (const SynapseRecorder &r : n.synapseRecorders) {
    std::string what;
    for (const std::string &v : r.variables)
      what += (what.empty() ? "%" : ", %") + v;
    std::string every = r.intervalMs > 0
                            ? fmt::format("every {} ms ({} step{})", formatReal(r.intervalMs),
                                          r.intervalSteps, r.intervalSteps == 1 ? "" : "s")
                            : "every step";
    std::string proj = r.projection < n.projections.size() ? n.projections[r.projection].name : "?";
    PopulationSlice onto{r.projection < n.projections.size() ? n.projections[r.projection].target.population : 0,
                         r.targetBegin, r.targetEnd};
    top.line(1, fmt::format("record {} : {} from synapses {} onto {} {}", quote(r.label), what, proj,
                            sliceText(n, onto), every));
  }
  top.line(0, "}");
}

void printModule(const Module &m, std::ostream &os) {
  bool first = true;
  for (const auto &model : m.models) {
    if (!first)
      os << '\n';
    first = false;
    printModel(*model, os);
  }
  for (const auto &net : m.networks) {
    if (!first)
      os << '\n';
    first = false;
    printNetwork(*net, m, os);
  }
}

std::string printModuleToString(const Module &m) {
  std::ostringstream os;
  printModule(m, os);
  return os.str();
}

std::string printExpr(const Expr &e, const Model *model) {
  std::ostringstream os;
  return Printer(os, model).expr(&e);
}

} // namespace nsc::ir
