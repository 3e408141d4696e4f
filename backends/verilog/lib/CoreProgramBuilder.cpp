//===- CoreProgramBuilder.cpp - A fixed-point model's step as FxProgram ---===//
//
// Turns the run-time code of a fixed-point model (after the default
// pipeline, quantize included) into the straight-line program of
// nsc/hw/FixedProgram.h that the neuron core executes per neuron:
// `update:`, the onReceive handlers (by descending priority, guarded by
// "the port received a spike") and the onCondition blocks in order, with
// if/else turned into selects. Parameters and internals become constants
// computed by the interpreter's own start-up code (initial values, then
// `prepare`, R31); the homeostat's threshold parameter becomes the per-neuron
// θ read. Everything without a single-cycle hardware mapping (loops,
// function calls, random draws, transcendentals, division, `t`, vectors)
// is an error at the construct.
//
//===----------------------------------------------------------------------===//
#include "nsc/verilog/VerilogBackend.h"

#include "nsc/eval/ModelExecutor.h"
#include "nsc/ir/FixedPoint.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace nsc::verilog {

using namespace ir;

namespace {

constexpr VarId kSpikeFlag = kNoVar - 1; // the env entry of "emit_spike() ran"

class Builder {
public:
  Builder(const Model &m, const Precision &p, std::vector<eval::Value> cells, const eval::ModelExecutor &ex,
          VarId theta, DiagnosticEngine &diags)
      : m_(m), P_(p), cells_(std::move(cells)), ex_(ex), theta_(theta), diags_(diags) {}

  bool build(hw::FxProgram &out, std::vector<VarId> &stateVars);

private:
  using Env = std::map<VarId, int32_t>;

  int32_t emit(hw::FxOp op, hw::ValueKind k, int32_t a = -1, int32_t b = -1, int32_t c = -1, int64_t imm = 0) {
    code_.push_back({op, k, a, b, c, imm});
    return int32_t(code_.size() - 1);
  }
  hw::ValueKind kindOf(int32_t v) const { return v >= 0 ? code_[size_t(v)].kind : hw::ValueKind::Bool; }
  bool sameFormat(const Type &t) const {
    return t.precision.kind == Precision::Fixed && t.precision.intBits == P_.intBits &&
           t.precision.fracBits == P_.fracBits && t.precision.rounding == P_.rounding &&
           t.precision.overflow == P_.overflow;
  }
  int32_t fail(const SourceRange &loc, const std::string &msg) {
    diags_.error(loc, msg);
    ok_ = false;
    return -1;
  }
  /// A value converted to the kind of `to` (assignments, select arms).
  int32_t coerce(int32_t v, const Type &to, const SourceRange &loc);
  int32_t expr(const Expr &e, Env &env);
  void block(const Block &b, Env &env);
  void stmt(const Stmt &s, Env &env);
  /// The stored (start-of-step) value of a state variable.
  int32_t stateValue(VarId v) {
    auto it = stateLoad_.find(v);
    if (it != stateLoad_.end())
      return it->second;
    const Type &t = m_.variables[v].type;
    int32_t idx = int32_t(std::find(stateOrder_.begin(), stateOrder_.end(), v) - stateOrder_.begin());
    int32_t load = emit(hw::FxOp::State,
                        t.kind == TypeKind::Real  ? hw::ValueKind::Fixed
                        : t.kind == TypeKind::Int ? hw::ValueKind::Int
                                                  : hw::ValueKind::Bool,
                        idx);
    stateLoad_[v] = load;
    return load;
  }
  void guarded(int32_t cond, const Block &b, const Block *elseBody, Env &env);

  const Model &m_;
  Precision P_;
  std::vector<eval::Value> cells_;
  const eval::ModelExecutor &ex_;
  VarId theta_;
  DiagnosticEngine &diags_;
  std::vector<hw::FxInstr> code_;
  std::map<VarId, int32_t> stateLoad_;
  std::vector<VarId> stateOrder_;
  bool ok_ = true;
};

int32_t Builder::coerce(int32_t v, const Type &to, const SourceRange &loc) {
  if (v < 0)
    return v;
  hw::ValueKind k = kindOf(v);
  if (to.kind == TypeKind::Real && k == hw::ValueKind::Int)
    return emit(hw::FxOp::IntToFixed, hw::ValueKind::Fixed, v);
  if (to.kind == TypeKind::Int && k == hw::ValueKind::Fixed)
    return fail(loc, "a real-to-integer conversion has no mapping in the neuron core");
  return v;
}

int32_t Builder::expr(const Expr &e, Env &env) {
  if (e.type.kind == TypeKind::Real && !sameFormat(e.type))
    return fail(e.loc, "the neuron core computes in the model's one fixed-point format; this value has another "
                       "precision");
  const hw::ValueKind K = e.type.kind == TypeKind::Real  ? hw::ValueKind::Fixed
                          : e.type.kind == TypeKind::Int ? hw::ValueKind::Int
                                                         : hw::ValueKind::Bool;
  if (e.type.kind != TypeKind::Real && e.type.kind != TypeKind::Int && e.type.kind != TypeKind::Bool)
    return fail(e.loc, "this value's type has no mapping in the neuron core");
  switch (e.kind) {
  case ExprKind::Constant: {
    auto &c = *cast<Constant>(&e);
    if (K == hw::ValueKind::Fixed)
      return emit(hw::FxOp::Const, K, -1, -1, -1, fx::fromDouble(c.real, P_));
    return emit(hw::FxOp::Const, K, -1, -1, -1, K == hw::ValueKind::Int ? c.integer : int64_t(c.boolean));
  }
  case ExprKind::VarRef: {
    auto &r = *cast<VarRef>(&e);
    const Variable &v = m_.variables[r.var];
    if (r.index || v.vectorSize)
      return fail(e.loc, "vector variable '" + v.name + "' has no mapping in the neuron core (one word per neuron)");
    if (auto it = env.find(r.var); it != env.end())
      return it->second;
    if (v.role == VarRole::State)
      return stateValue(r.var);
    if (v.role == VarRole::Parameter && r.var == theta_)
      return emit(hw::FxOp::Theta, K);
    if (v.role == VarRole::Parameter || v.role == VarRole::Internal) {
      const eval::Value &cell = cells_[ex_.slotOf(r.var)];
      if (K == hw::ValueKind::Fixed && !sameFormat(v.type))
        return fail(e.loc, "'" + v.name + "' is not in the model's fixed-point format");
      return emit(hw::FxOp::Const, K, -1, -1, -1, K == hw::ValueKind::Bool ? int64_t(cell.b) : cell.i);
    }
    return fail(e.loc, "'" + v.name + "' is read before it is assigned");
  }
  case ExprKind::PortRef: {
    auto &p = *cast<PortRef>(&e);
    const Port &port = m_.ports[p.port];
    if (port.kind != PortKind::Spike)
      return fail(e.loc, "continuous input port '" + port.name + "' has no mapping in the neuron core");
    if (p.index || port.vectorSize)
      return fail(e.loc, "vector port '" + port.name + "' has no mapping in the neuron core");
    return emit(hw::FxOp::PortSum, hw::ValueKind::Fixed, int32_t(p.port));
  }
  case ExprKind::Unary: {
    auto &u = *cast<Unary>(&e);
    int32_t x = expr(*u.operand, env);
    if (u.op == UnaryOp::Neg)
      return emit(hw::FxOp::Neg, K, x);
    if (u.op == UnaryOp::Not)
      return emit(hw::FxOp::Not, K, x);
    return fail(e.loc, "bitwise '~' has no mapping in the neuron core");
  }
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    if (b.op == BinaryOp::Div || b.op == BinaryOp::Mod)
      return fail(e.loc, std::string("'") + binaryOpName(b.op) +
                             "' of run-time values has no single-cycle mapping in the neuron core (multiply by a "
                             "constant reciprocal instead)");
    if (b.op == BinaryOp::Pow) {
      const Constant *k = dyn_cast<Constant>(b.rhs.get());
      int64_t n = k ? (k->type.kind == TypeKind::Int ? k->integer : int64_t(k->real)) : -1;
      if (!k || n < 1 || n > 8 || (k->type.kind == TypeKind::Real && double(n) != k->real))
        return fail(e.loc, "'**' maps to the neuron core only with a constant whole exponent in 1..8");
      int32_t x = expr(*b.lhs, env), acc = x;
      for (int64_t i = 1; i < n; ++i)
        acc = emit(hw::FxOp::Mul, K, acc, x);
      return acc;
    }
    if (b.op == BinaryOp::Shl || b.op == BinaryOp::Shr || b.op == BinaryOp::BitAnd || b.op == BinaryOp::BitOr ||
        b.op == BinaryOp::BitXor)
      return fail(e.loc, std::string("bitwise '") + binaryOpName(b.op) + "' has no mapping in the neuron core");
    int32_t l = expr(*b.lhs, env), r = expr(*b.rhs, env);
    if (l < 0 || r < 0)
      return -1;
    if (kindOf(l) != kindOf(r))
      return fail(e.loc, "mixed integer and fixed-point operands have no mapping in the neuron core");
    switch (b.op) {
    case BinaryOp::Add: return emit(hw::FxOp::Add, K, l, r);
    case BinaryOp::Sub: return emit(hw::FxOp::Sub, K, l, r);
    case BinaryOp::Mul: return emit(hw::FxOp::Mul, K, l, r);
    case BinaryOp::Lt: return emit(hw::FxOp::Lt, K, l, r);
    case BinaryOp::Le: return emit(hw::FxOp::Le, K, l, r);
    case BinaryOp::Gt: return emit(hw::FxOp::Gt, K, l, r);
    case BinaryOp::Ge: return emit(hw::FxOp::Ge, K, l, r);
    case BinaryOp::Eq: return emit(hw::FxOp::Eq, K, l, r);
    case BinaryOp::Ne: return emit(hw::FxOp::Ne, K, l, r);
    case BinaryOp::And: return emit(hw::FxOp::And, K, l, r);
    case BinaryOp::Or: return emit(hw::FxOp::Or, K, l, r);
    default: break;
    }
    return fail(e.loc, std::string("operator '") + binaryOpName(b.op) + "' has no mapping in the neuron core");
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    int32_t c = expr(*s.cond, env);
    int32_t a = coerce(expr(*s.thenExpr, env), e.type, e.loc), b = coerce(expr(*s.elseExpr, env), e.type, e.loc);
    return emit(hw::FxOp::Select, K, c, a, b);
  }
  case ExprKind::UnitConvert: {
    auto &c = *cast<UnitConvert>(&e);
    if (c.factor == 1.0)
      return expr(*c.operand, env);
    return fail(e.loc, fmt::format("a unit conversion by {} has no mapping in the neuron core (write the model in "
                                   "one scale of units)",
                                   c.factor));
  }
  case ExprKind::Cast: {
    auto &c = *cast<Cast>(&e);
    if (c.castKind == CastKind::IntToReal)
      return coerce(expr(*c.operand, env), e.type, e.loc);
    if (c.castKind == CastKind::ReinterpretUnit || c.castKind == CastKind::PrecisionCast)
      return expr(*c.operand, env);
    return fail(e.loc, "a real-to-integer conversion has no mapping in the neuron core");
  }
  case ExprKind::Call: {
    auto &c = *cast<Call>(&e);
    auto arg = [&](size_t i) { return coerce(expr(*c.args[i], env), e.type, c.args[i]->loc); };
    switch (c.builtin) {
    case Builtin::Abs: return emit(hw::FxOp::Abs, K, arg(0));
    case Builtin::Min: return emit(hw::FxOp::Min, K, arg(0), arg(1));
    case Builtin::Max: return emit(hw::FxOp::Max, K, arg(0), arg(1));
    case Builtin::Clip: {
      int32_t x = arg(0), lo = arg(1), hi = arg(2);
      int32_t above = emit(hw::FxOp::Gt, hw::ValueKind::Bool, x, hi);
      int32_t inner = emit(hw::FxOp::Select, K, above, hi, x);
      int32_t below = emit(hw::FxOp::Lt, hw::ValueKind::Bool, x, lo);
      return emit(hw::FxOp::Select, K, below, lo, inner);
    }
    case Builtin::RandomNormal:
    case Builtin::RandomUniform:
    case Builtin::RandomPoisson:
    case Builtin::RandomLognormal:
    case Builtin::RandomExponential:
      return fail(e.loc, std::string("random draw '") + builtinName(c.builtin) +
                             "()' has no mapping in the neuron core (it has no random number generator)");
    case Builtin::User:
      return fail(e.loc, "call of function '" + m_.functions[c.function].name +
                             "' has no mapping in the neuron core (write its body inline)");
    case Builtin::Time: return fail(e.loc, "the time 't' has no mapping in the neuron core");
    default:
      return fail(e.loc, std::string("'") + builtinName(c.builtin) +
                             "()' of a run-time value has no mapping in the neuron core");
    }
  }
  default: break;
  }
  return fail(e.loc, "this expression has no mapping in the neuron core");
}

void Builder::guarded(int32_t cond, const Block &b, const Block *elseBody, Env &env) {
  Env t = env, f = env;
  block(b, t);
  if (elseBody)
    block(*elseBody, f);
  if (cond < 0)
    return;
  Env merged = env;
  std::map<VarId, bool> keys;
  for (auto &[k, v] : t)
    keys[k] = true;
  for (auto &[k, v] : f)
    keys[k] = true;
  for (auto &[k, unused] : keys) {
    auto it = t.find(k), jt = f.find(k);
    int32_t tv = it != t.end() ? it->second : -1, fv = jt != f.end() ? jt->second : -1;
    if (tv < 0 || fv < 0) {
      // Set on one side only: the other side keeps the value from before
      // (a state variable's stored value, "no spike"); a local declared in
      // one branch is only read there.
      int32_t before = -1;
      if (k == kSpikeFlag)
        before = emit(hw::FxOp::Const, hw::ValueKind::Bool, -1, -1, -1, 0);
      else if (m_.variables[k].role == VarRole::State)
        before = stateValue(k);
      if (before < 0) {
        merged[k] = tv >= 0 ? tv : fv;
        continue;
      }
      (tv < 0 ? tv : fv) = before;
    }
    if (tv == fv) {
      merged[k] = tv;
      continue;
    }
    merged[k] = emit(hw::FxOp::Select, kindOf(tv), cond, tv, fv);
  }
  env = std::move(merged);
}

void Builder::block(const Block &b, Env &env) {
  for (const StmtPtr &s : b)
    stmt(*s, env);
}

/// The current value of a state variable (its load when not yet assigned).
void Builder::stmt(const Stmt &s, Env &env) {
  switch (s.kind) {
  case StmtKind::Assign: {
    auto &a = *cast<Assign>(&s);
    const Variable &v = m_.variables[a.target];
    if (a.index || v.vectorSize) {
      fail(s.loc, "vector variable '" + v.name + "' has no mapping in the neuron core (one word per neuron)");
      return;
    }
    if (v.role != VarRole::State && v.role != VarRole::Local) {
      fail(s.loc, "assignment to '" + v.name + "' (not a state variable) has no mapping in the neuron core");
      return;
    }
    env[a.target] = coerce(expr(*a.value, env), v.type, s.loc);
    return;
  }
  case StmtKind::LocalDecl: {
    auto &d = *cast<LocalDecl>(&s);
    const Variable &v = m_.variables[d.var];
    if (v.vectorSize) {
      fail(s.loc, "vector variable '" + v.name + "' has no mapping in the neuron core");
      return;
    }
    env[d.var] = d.init ? coerce(expr(*d.init, env), v.type, s.loc)
                        : emit(hw::FxOp::Const, v.type.kind == TypeKind::Real  ? hw::ValueKind::Fixed
                                                : v.type.kind == TypeKind::Int ? hw::ValueKind::Int
                                                                               : hw::ValueKind::Bool);
    return;
  }
  case StmtKind::If: {
    auto &i = *cast<If>(&s);
    guarded(expr(*i.cond, env), i.thenBody, &i.elseBody, env);
    return;
  }
  case StmtKind::EmitSpike: {
    auto &e = *cast<EmitSpike>(&s);
    if (!e.args.empty()) {
      fail(s.loc, "emit_spike() with arguments has no mapping in the neuron core");
      return;
    }
    env[kSpikeFlag] = emit(hw::FxOp::Const, hw::ValueKind::Bool, -1, -1, -1, 1);
    return;
  }
  case StmtKind::For:
    fail(s.loc, "'for' loop has no mapping in the neuron core (one neuron per cycle, straight-line code only)");
    return;
  case StmtKind::While:
    fail(s.loc, "'while' loop has no mapping in the neuron core (one neuron per cycle, straight-line code only)");
    return;
  case StmtKind::Return: fail(s.loc, "'return' has no mapping in the neuron core"); return;
  case StmtKind::CallStmt: {
    auto &c = *cast<CallStmt>(&s);
    auto *call = dyn_cast<Call>(c.call.get());
    if (call && call->builtin == Builtin::User)
      fail(s.loc, "call of function '" + m_.functions[call->function].name +
                      "' has no mapping in the neuron core (write its body inline)");
    else
      fail(s.loc, std::string("call of '") + (call ? builtinName(call->builtin) : "?") +
                      "()' has no mapping in the neuron core");
    return;
  }
  default: fail(s.loc, "this statement has no mapping in the neuron core (run the default pipeline)"); return;
  }
}

bool Builder::build(hw::FxProgram &out, std::vector<VarId> &stateVars) {
  for (const Variable &v : m_.variables)
    if (v.role == VarRole::State)
      stateOrder_.push_back(v.id);
  Env env;
  block(m_.update, env);
  std::vector<unsigned> order(m_.onReceive.size());
  for (unsigned h = 0; h < order.size(); ++h)
    order[h] = h;
  std::stable_sort(order.begin(), order.end(),
                   [&](unsigned a, unsigned b) { return m_.onReceive[a].priority > m_.onReceive[b].priority; });
  for (unsigned h : order) {
    const OnReceive &r = m_.onReceive[h];
    if (m_.ports[r.port].vectorSize || m_.ports[r.port].kind != PortKind::Spike) {
      fail(r.loc, "handler of port '" + m_.ports[r.port].name + "' has no mapping in the neuron core");
      continue;
    }
    guarded(emit(hw::FxOp::PortRecv, hw::ValueKind::Bool, int32_t(r.port)), r.body, nullptr, env);
  }
  for (const OnCondition &c : m_.onCondition)
    guarded(expr(*c.cond, env), c.body, nullptr, env);
  if (!ok_)
    return false;

  // Which state variables need storage: those whose old value is read by
  // something live; liveness from the spike and the stored variables' next
  // values, to a fixed point (a variable only ever overwritten needs none).
  auto nextOf = [&](VarId v) -> int32_t {
    auto it = env.find(v);
    if (it != env.end())
      return it->second;
    auto jt = stateLoad_.find(v);
    return jt != stateLoad_.end() ? jt->second : -1;
  };
  const int32_t spike = env.count(kSpikeFlag) ? env[kSpikeFlag] : -1;
  std::vector<bool> live(code_.size(), false), stored(stateOrder_.size(), false);
  bool changed = true;
  while (changed) {
    changed = false;
    std::vector<int32_t> roots;
    if (spike >= 0)
      roots.push_back(spike);
    for (size_t j = 0; j < stateOrder_.size(); ++j)
      if (stored[j] && nextOf(stateOrder_[j]) >= 0)
        roots.push_back(nextOf(stateOrder_[j]));
    std::fill(live.begin(), live.end(), false);
    std::vector<int32_t> work = roots;
    while (!work.empty()) {
      int32_t v = work.back();
      work.pop_back();
      if (v < 0 || live[size_t(v)])
        continue;
      live[size_t(v)] = true;
      const hw::FxInstr &I = code_[size_t(v)];
      if (I.op == hw::FxOp::State || I.op == hw::FxOp::PortSum || I.op == hw::FxOp::PortRecv)
        continue;
      for (int32_t o : {I.a, I.b, I.c})
        work.push_back(o);
    }
    for (size_t j = 0; j < stateOrder_.size(); ++j) {
      auto it = stateLoad_.find(stateOrder_[j]);
      if (!stored[j] && it != stateLoad_.end() && live[size_t(it->second)]) {
        stored[j] = true;
        changed = true;
      }
    }
  }
  // Renumber: live values only, stored state variables only.
  std::vector<int32_t> newIndex(code_.size(), -1), stateIndex(stateOrder_.size(), -1);
  for (size_t j = 0; j < stateOrder_.size(); ++j)
    if (stored[j]) {
      stateIndex[j] = int32_t(stateVars.size());
      stateVars.push_back(stateOrder_[j]);
    }
  out.code.clear();
  for (size_t i = 0; i < code_.size(); ++i) {
    if (!live[i])
      continue;
    hw::FxInstr I = code_[i];
    if (I.op == hw::FxOp::State)
      I.a = stateIndex[size_t(I.a)];
    else if (I.op != hw::FxOp::PortSum && I.op != hw::FxOp::PortRecv)
      for (int32_t *o : {&I.a, &I.b, &I.c})
        if (*o >= 0)
          *o = newIndex[size_t(*o)];
    newIndex[i] = int32_t(out.code.size());
    out.code.push_back(I);
  }
  for (size_t j = 0; j < stateOrder_.size(); ++j)
    if (stored[j]) {
      const Variable &v = m_.variables[stateOrder_[j]];
      out.stateKinds.push_back(v.type.kind == TypeKind::Real  ? hw::ValueKind::Fixed
                               : v.type.kind == TypeKind::Int ? hw::ValueKind::Int
                                                              : hw::ValueKind::Bool);
      out.stateNext.push_back(newIndex[size_t(nextOf(stateOrder_[j]))]);
    }
  out.spike = spike >= 0 ? newIndex[size_t(spike)] : -1;
  out.ports = uint32_t(m_.ports.size());
  return true;
}

} // namespace

bool buildCore(const Module &mod, const Network &net, uint32_t popIndex, const HomeostatDesign *homeostat,
               CoreDesign &out, DiagnosticEngine &diags) {
  const Population &pop = net.populations[popIndex];
  const Model &m = *mod.models[pop.model];
  const Precision &P = m.semantics.precision;
  out.population = pop.name;
  out.module = "nsc_core_" + pop.name;
  out.n = uint32_t(pop.size);
  out.idBits = out.n > 1 ? unsignedBits(out.n - 1) : 1;
  hw::FxFormat &F = out.program.format;
  F.intBits = P.intBits;
  F.fracBits = P.fracBits;
  F.rounding = P.rounding == Rounding::Floor        ? hw::FxRounding::Floor
               : P.rounding == Rounding::TowardZero ? hw::FxRounding::TowardZero
                                                    : hw::FxRounding::NearestEven;
  F.saturate = P.overflow == Overflow::Saturate;
  if (F.width() > 32) {
    diags.error(pop.loc, fmt::format("the neuron core takes formats of at most 32 bits; '{}' is Q{}.{}", m.name,
                                     P.intBits, P.fracBits));
    return false;
  }
  if (pop.size > 4096) {
    diags.error(pop.loc, fmt::format("population '{}' has {} neurons; the neuron core takes at most 4096 (the AER "
                                     "frame)",
                                     pop.name, pop.size));
    return false;
  }

  // Start-up values exactly as the network runtime computes them
  // (runtime/network Engine.cpp initialise): initial values in initOrder,
  // the homeostat's θ, then `prepare`.
  eval::ModelExecutor ex(m, net.semantics.dtMs);
  std::vector<eval::Value> row(std::max(1u, ex.rowSize()));
  eval::NeuronFrame f;
  f.row = row.data();
  std::vector<double> ports(std::max(1u, ex.portSlots()), 0.0);
  f.portValue = ports.data();
  std::vector<VarId> order = m.initOrder;
  if (order.empty())
    for (const Variable &v : m.variables)
      order.push_back(v.id);
  bool ok = true;
  for (VarId v : order) {
    const Variable &var = m.variables[v];
    if (var.role == VarRole::Local || var.role == VarRole::Argument || var.vectorSize)
      continue;
    const PopulationInit *pi = nullptr;
    for (const PopulationInit &in : pop.inits)
      if (in.var == v)
        pi = &in;
    if (pi) {
      double value;
      if (!pi->value || !evaluateConstant(*pi->value, value)) {
        diags.error(pi->value ? pi->value->loc : pop.loc,
                    "the neuron core starts every neuron of '" + pop.name + "' from one value, but '" + var.name +
                        "' is drawn per neuron or computed here");
        ok = false;
        continue;
      }
      ex.store(v, value, f);
    } else if (var.init) {
      f.cell(ex.slotOf(v)) = ex.evalAs(*var.init, var.type, f);
    }
  }
  VarId theta = kNoVar;
  if (homeostat) {
    for (const Homeostasis &h : net.homeostats)
      if (h.population == popIndex)
        theta = h.threshold;
    hw::HomeostatNeuron init = hw::homeostatInit(homeostat->config, homeostat->thetaInit);
    ex.store(theta, double(hw::thetaOf(init.acc)) / 256.0, f);
  }
  ex.exec(m.prepare, f);
  if (!ex.fatal().empty()) {
    diags.error(pop.loc, "start-up code of '" + m.name + "' failed: " + ex.fatal());
    return false;
  }
  if (!ok)
    return false;

  Builder b(m, P, row, ex, theta, diags);
  std::vector<VarId> stateVars;
  if (!b.build(out.program, stateVars))
    return false;
  if (out.program.spike < 0) {
    diags.error(m.loc, "model '" + m.name + "' never emits a spike: the neuron core has nothing to send");
    return false;
  }
  for (VarId v : stateVars) {
    const Variable &var = m.variables[v];
    out.stateNames.push_back(var.name);
    const eval::Value &cell = row[ex.slotOf(v)];
    out.config.initState.push_back(var.type.kind == TypeKind::Bool ? int64_t(cell.b) : cell.i);
  }
  for (const Port &p : m.ports)
    out.portNames.push_back(p.name);
  out.config.n = out.n;
  out.config.homeostat = homeostat != nullptr;
  out.config.window = homeostat ? homeostat->config.window : 1;
  if (homeostat)
    out.config.thetaInit = row[ex.slotOf(theta)].i;
  // Input sums: exact (R17) up to 2^15 full-scale events per neuron, port
  // and step when saturating; in wrap mode the format's own width is exact.
  out.config.sumBits = F.saturate ? F.width() + 16 : F.width();
  out.portBits = out.program.ports > 1 ? unsignedBits(out.program.ports - 1) : 1;
  // Stimulus description for the spike-count check: the projections into
  // the population, weights in the port's raw units.
  for (const Projection &pr : net.projections) {
    if (pr.target.population != popIndex)
      continue;
    CoreDesign::Input in;
    in.source = net.populations[pr.source.population].name;
    in.rule = connectionRuleName(pr.conn.rule);
    in.port = pr.port;
    in.delay = pr.delaySteps;
    double w;
    in.weightRaw = pr.weight && evaluateConstant(*pr.weight, w) ? fx::fromDouble(w, m.ports[pr.port].type.precision) : 0;
    out.inputs.push_back(in);
  }
  return true;
}

} // namespace nsc::verilog
