//===- JSON.cpp - Machine-readable IR dump --------------------------------===//
//
// Same content as the text form. Non-finite reals (inf, nan) are not JSON
// numbers; they are written as the strings "inf", "-inf", "nan".
//
//===----------------------------------------------------------------------===//
#include "nsc/ir/JSON.h"

#include "nsc/ir/Printer.h"

#include <cmath>
#include <ostream>

namespace nsc::ir {

using nlohmann::json;

static json number(double v) {
  if (std::isnan(v))
    return "nan";
  if (std::isinf(v))
    return v > 0 ? "inf" : "-inf";
  return v;
}

static const char *typeKindName(TypeKind k) {
  switch (k) {
  case TypeKind::Error: return "error";
  case TypeKind::Void: return "void";
  case TypeKind::Bool: return "bool";
  case TypeKind::Int: return "int";
  case TypeKind::Real: return "real";
  case TypeKind::String: return "string";
  }
  return "?";
}

static json precisionToJSON(const Precision &p) {
  json j;
  j["kind"] = p.kind == Precision::F64 ? "f64" : p.kind == Precision::F32 ? "f32" : "fixed";
  if (p.kind == Precision::Fixed) {
    j["int_bits"] = p.intBits;
    j["frac_bits"] = p.fracBits;
    j["rounding"] = roundingName(p.rounding);
    j["overflow"] = overflowName(p.overflow);
  }
  return j;
}

json typeToJSON(const Type &t) {
  json j;
  j["kind"] = typeKindName(t.kind);
  if (t.isNumeric()) {
    j["unit"] = units::formatUnit(t.unit);
    json dim = json::array();
    for (int8_t e : t.unit.dim.exp)
      dim.push_back(e);
    j["dim"] = dim;
    j["scale"] = number(t.unit.scale);
  }
  if (t.kind == TypeKind::Real)
    j["precision"] = precisionToJSON(t.precision);
  return j;
}

json semanticsToJSON(const Semantics &s) {
  json j = {{"dt_ms", number(s.dtMs)},
          {"solver", solverName(s.solver)},
          {"precision", precisionToJSON(s.precision)},
          {"spikes", spikeModeName(s.spikes)},
          {"seed", s.seed},
          {"rk45_rtol", number(s.rk45Rtol)},
          {"rk45_atol", number(s.rk45Atol)}};
  if (s.fixedFormats == FixedFormats::PerVariable) // only then, so uniform dumps stay as they were
    j["fixed_formats"] = "per_variable";
  return j;
}

static json exprOrNull(const ExprPtr &e) { return e ? exprToJSON(*e) : json(nullptr); }

static json exprList(const std::vector<ExprPtr> &es) {
  json a = json::array();
  for (const ExprPtr &e : es)
    a.push_back(exprOrNull(e));
  return a;
}

static const char *exprKindName(ExprKind k) {
  switch (k) {
  case ExprKind::Constant: return "constant";
  case ExprKind::VarRef: return "var";
  case ExprKind::Derivative: return "derivative";
  case ExprKind::PortRef: return "port";
  case ExprKind::InlineRef: return "inline";
  case ExprKind::KernelRef: return "kernel";
  case ExprKind::Unary: return "unary";
  case ExprKind::Binary: return "binary";
  case ExprKind::Select: return "select";
  case ExprKind::Call: return "call";
  case ExprKind::UnitConvert: return "convert";
  case ExprKind::Cast: return "cast";
  case ExprKind::List: return "list";
  }
  return "?";
}

json exprToJSON(const Expr &e) {
  json j;
  j["kind"] = exprKindName(e.kind);
  j["type"] = typeToJSON(e.type);
  switch (e.kind) {
  case ExprKind::Constant: {
    auto &c = *cast<Constant>(&e);
    switch (c.type.kind) {
    case TypeKind::Real: j["value"] = number(c.real); break;
    case TypeKind::Int: j["value"] = c.integer; break;
    case TypeKind::Bool: j["value"] = c.boolean; break;
    case TypeKind::String: j["value"] = c.str; break;
    default: j["value"] = nullptr; break;
    }
    break;
  }
  case ExprKind::VarRef: {
    auto &v = *cast<VarRef>(&e);
    j["var"] = v.var;
    j["index"] = exprOrNull(v.index);
    break;
  }
  case ExprKind::Derivative:
    j["var"] = cast<Derivative>(&e)->var;
    j["order"] = cast<Derivative>(&e)->order;
    break;
  case ExprKind::PortRef:
    j["port"] = cast<PortRef>(&e)->port;
    j["index"] = exprOrNull(cast<PortRef>(&e)->index);
    break;
  case ExprKind::InlineRef:
    j["inline"] = cast<InlineRef>(&e)->inlineId;
    break;
  case ExprKind::KernelRef:
    j["kernel"] = cast<KernelRef>(&e)->kernel;
    j["order"] = cast<KernelRef>(&e)->order;
    break;
  case ExprKind::Unary:
    j["op"] = cast<Unary>(&e)->op == UnaryOp::Neg ? "-" : cast<Unary>(&e)->op == UnaryOp::Not ? "not" : "~";
    j["operand"] = exprOrNull(cast<Unary>(&e)->operand);
    break;
  case ExprKind::Binary:
    j["op"] = binaryOpName(cast<Binary>(&e)->op);
    j["lhs"] = exprOrNull(cast<Binary>(&e)->lhs);
    j["rhs"] = exprOrNull(cast<Binary>(&e)->rhs);
    break;
  case ExprKind::Select:
    j["cond"] = exprOrNull(cast<Select>(&e)->cond);
    j["then"] = exprOrNull(cast<Select>(&e)->thenExpr);
    j["else"] = exprOrNull(cast<Select>(&e)->elseExpr);
    break;
  case ExprKind::Call: {
    auto &c = *cast<Call>(&e);
    j["callee"] = builtinName(c.builtin);
    if (c.builtin == Builtin::User)
      j["function"] = c.function;
    j["args"] = exprList(c.args);
    break;
  }
  case ExprKind::UnitConvert:
    j["factor"] = number(cast<UnitConvert>(&e)->factor);
    j["operand"] = exprOrNull(cast<UnitConvert>(&e)->operand);
    break;
  case ExprKind::Cast:
    j["cast"] = castKindName(cast<Cast>(&e)->castKind);
    j["operand"] = exprOrNull(cast<Cast>(&e)->operand);
    break;
  case ExprKind::List:
    j["elements"] = exprList(cast<List>(&e)->elements);
    break;
  }
  return j;
}

static json blockToJSON(const Block &b);

static json stmtToJSON(const Stmt &s) {
  json j;
  switch (s.kind) {
  case StmtKind::Assign: {
    auto &a = *cast<Assign>(&s);
    j = {{"kind", "assign"}, {"target", a.target}, {"index", exprOrNull(a.index)},
         {"value", exprOrNull(a.value)}};
    break;
  }
  case StmtKind::If: {
    auto &i = *cast<If>(&s);
    j = {{"kind", "if"}, {"cond", exprOrNull(i.cond)}, {"then", blockToJSON(i.thenBody)},
         {"else", blockToJSON(i.elseBody)}};
    break;
  }
  case StmtKind::For: {
    auto &f = *cast<For>(&s);
    j = {{"kind", "for"}, {"var", f.var}, {"from", exprOrNull(f.from)}, {"to", exprOrNull(f.to)},
         {"step", exprOrNull(f.step)}, {"body", blockToJSON(f.body)}};
    break;
  }
  case StmtKind::While: {
    auto &w = *cast<While>(&s);
    j = {{"kind", "while"}, {"cond", exprOrNull(w.cond)}, {"body", blockToJSON(w.body)}};
    break;
  }
  case StmtKind::Return:
    j = {{"kind", "return"}, {"value", exprOrNull(cast<Return>(&s)->value)}};
    break;
  case StmtKind::EmitSpike:
    j = {{"kind", "emit_spike"}, {"args", exprList(cast<EmitSpike>(&s)->args)}};
    break;
  case StmtKind::IntegrateOdes:
    j = {{"kind", "integrate_odes"}, {"vars", cast<IntegrateOdes>(&s)->vars}};
    break;
  case StmtKind::CallStmt:
    j = {{"kind", "call"}, {"call", exprOrNull(cast<CallStmt>(&s)->call)}};
    break;
  case StmtKind::LocalDecl:
    j = {{"kind", "local"}, {"var", cast<LocalDecl>(&s)->var},
         {"init", exprOrNull(cast<LocalDecl>(&s)->init)}};
    break;
  case StmtKind::ComputePropagator: {
    auto &c = *cast<ComputePropagator>(&s);
    j = {{"kind", "compute_propagator"}, {"size", c.size}, {"dt_ms", c.dtMs},
         {"matrix", exprList(c.matrix)}, {"propagator", c.propagator},
         {"input_gain", c.inputGain}};
    break;
  }
  }
  return j;
}

static json blockToJSON(const Block &b) {
  json a = json::array();
  for (const StmtPtr &s : b)
    a.push_back(stmtToJSON(*s));
  return a;
}

json modelToJSON(const Model &m) {
  json j;
  j["name"] = m.name;
  j["kind"] = m.kind == ModelKind::Neuron ? "neuron" : "synapse";
  if (!m.specializationOf.empty())
    j["specialization_of"] = m.specializationOf;
  j["semantics"] = semanticsToJSON(m.semantics);
  json vars = json::array();
  for (const Variable &v : m.variables) {
    json jv = {{"id", v.id},
               {"name", v.name},
               {"role", varRoleName(v.role)},
               {"type", typeToJSON(v.type)},
               {"vector_size", v.vectorSize},
               {"init", exprOrNull(v.init)},
               {"guard", exprOrNull(v.guard)},
               {"recordable", v.recordable}};
    if (!v.decorators.empty())
      jv["decorators"] = v.decorators;
    vars.push_back(jv);
  }
  j["variables"] = vars;
  json ports = json::array();
  for (const Port &p : m.ports)
    ports.push_back({{"name", p.name},
                     {"kind", p.kind == PortKind::Spike ? "spike" : "continuous"},
                     {"excitatory", p.excitatory},
                     {"inhibitory", p.inhibitory},
                     {"vector_size", p.vectorSize},
                     {"type", typeToJSON(p.type)},
                     {"declared_type", p.declaredType}});
  j["ports"] = ports;
  j["output"] = {{"spike", m.outputSpike}, {"continuous", m.outputContinuous}};
  json eqs = json::array();
  for (const OdeEquation &e : m.odes.equations)
    eqs.push_back({{"var", e.var}, {"order", e.order}, {"rhs", exprOrNull(e.rhs)},
                   {"derivative_vars", e.derivativeVars}});
  json kernels = json::array();
  for (const Kernel &k : m.odes.kernels)
    kernels.push_back({{"name", k.name}, {"order", k.order}, {"type", typeToJSON(k.type)},
                       {"rhs", exprOrNull(k.rhs)}});
  json inlines = json::array();
  for (const InlineExpr &i : m.odes.inlines)
    inlines.push_back({{"name", i.name}, {"type", typeToJSON(i.type)}, {"rhs", exprOrNull(i.rhs)},
                       {"recordable", i.recordable}});
  j["odes"] = {{"equations", eqs}, {"kernels", kernels}, {"inlines", inlines}};
  json fns = json::array();
  for (const Function &f : m.functions)
    fns.push_back({{"name", f.name}, {"params", f.params}, {"return_type", typeToJSON(f.returnType)},
                   {"body", blockToJSON(f.body)}});
  j["functions"] = fns;
  j["prepare"] = blockToJSON(m.prepare);
  j["update"] = blockToJSON(m.update);
  json recv = json::array();
  for (const OnReceive &r : m.onReceive)
    recv.push_back({{"port", r.port}, {"priority", r.priority}, {"body", blockToJSON(r.body)}});
  j["on_receive"] = recv;
  json cond = json::array();
  for (const OnCondition &c : m.onCondition)
    cond.push_back({{"cond", exprOrNull(c.cond)}, {"body", blockToJSON(c.body)}});
  j["on_condition"] = cond;
  return j;
}

static json initsToJSON(const std::vector<PopulationInit> &inits) {
  json a = json::array();
  for (const PopulationInit &i : inits) {
    json ji = {{"name", i.name}, {"value", exprOrNull(i.value)}};
    if (i.var != kNoVar)
      ji["var"] = i.var;
    a.push_back(ji);
  }
  return a;
}

static json sliceToJSON(const PopulationSlice &s) {
  return {{"population", s.population}, {"begin", s.begin}, {"end", s.end}};
}

static json networkToJSON(const Network &n) {
  json j;
  j["name"] = n.name;
  j["semantics"] = semanticsToJSON(n.semantics);
  json pops = json::array();
  for (const Population &p : n.populations) {
    json jp = {{"name", p.name},
               {"kind", populationKindName(p.kind)},
               {"size", p.size},
               {"inits", initsToJSON(p.inits)},
               {"semantics", semanticsToJSON(p.semantics)}};
    if (p.kind == PopulationKind::Model) {
      jp["model"] = p.model;
      jp["model_name"] = p.modelName;
    }
    if (!p.constantInputs.empty()) {
      json ci = json::array();
      for (const ConstantInput &c : p.constantInputs)
        ci.push_back({{"port", c.port}, {"port_name", c.portName}, {"value", c.value}});
      jp["constant_inputs"] = ci;
    }
    if (!p.file.empty())
      jp["file"] = p.file;
    pops.push_back(jp);
  }
  j["populations"] = pops;
  json projs = json::array();
  for (const Projection &p : n.projections) {
    json conn = {{"rule", connectionRuleName(p.conn.rule)},
                 {"allow_autapses", p.conn.allowAutapses},
                 {"allow_multapses", p.conn.allowMultapses}};
    if (p.conn.rule == ConnectionRule::FixedProbability || p.conn.rule == ConnectionRule::SmallWorld)
      conn["p"] = p.conn.probability;
    if (p.conn.rule == ConnectionRule::FixedIndegree || p.conn.rule == ConnectionRule::FixedOutdegree ||
        p.conn.rule == ConnectionRule::SmallWorld)
      conn["k"] = p.conn.count;
    if (p.conn.rule == ConnectionRule::FromFile)
      conn["path"] = p.conn.path;
    if (p.conn.pairProbability) // variables 0 = i (source index), 1 = j (target index)
      conn["p"] = exprToJSON(*p.conn.pairProbability);
    json jp = {{"name", p.name},
               {"source", sliceToJSON(p.source)},
               {"target", sliceToJSON(p.target)},
               {"connectivity", conn},
               {"weight", exprOrNull(p.weight)},
               {"delay_ms", exprOrNull(p.delay)},
               {"delay_steps", p.delaySteps},
               {"port", p.port},
               {"port_name", p.portName}};
    if (p.coupling != Coupling::None)
      jp[p.coupling == Coupling::GapJunction ? "gap_junction" : "variable"] = p.variableName;
    if (p.negativePort)
      jp["negative_weight_port"] = {{"port", *p.negativePort}, {"port_name", p.negativePortName}};
    if (p.hasSynapse)
      jp["synapse"] = {{"model", p.synapseModel}, {"name", p.synapseName},
                       {"params", initsToJSON(p.synapseParams)}};
    projs.push_back(jp);
  }
  j["projections"] = projs;
  json recs = json::array();
  for (const Recorder &r : n.recorders) {
    json what = json::array();
    for (const RecordItem &it : r.what)
      what.push_back({{"kind", it.kind == RecordItem::Kind::Spikes   ? "spikes"
                               : it.kind == RecordItem::Kind::Inline ? "inline"
                                                                     : "variable"},
                      {"name", it.name},
                      {"id", it.id}});
    recs.push_back({{"label", r.label}, {"what", what}, {"target", sliceToJSON(r.target)},
                    {"interval_ms", number(r.intervalMs)}, {"interval_steps", r.intervalSteps}});
  }
  j["recorders"] = recs;
  json synRecs = json::array();
  for (const SynapseRecorder &r : n.synapseRecorders)
    synRecs.push_back({{"label", r.label}, {"projection", r.projection}, {"variables", r.variables},
                       {"target_begin", r.targetBegin}, {"target_end", r.targetEnd},
                       {"interval_ms", number(r.intervalMs)}, {"interval_steps", r.intervalSteps}});
  j["synapse_recorders"] = synRecs;
  return j;
}

json moduleToJSON(const Module &m) {
  json models = json::array();
  for (const auto &model : m.models)
    models.push_back(modelToJSON(*model));
  json nets = json::array();
  for (const auto &n : m.networks)
    nets.push_back(networkToJSON(*n));
  return {{"models", models}, {"networks", nets}};
}

void printModuleJSON(const Module &m, std::ostream &os) { os << moduleToJSON(m).dump(2) << '\n'; }

} // namespace nsc::ir
