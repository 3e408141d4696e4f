//===- StmtEmitter.cpp - IR statements as CUDA C++ ------------------------===//
//
// Statements as the interpreter executes them (ModelExecutor::exec): stores
// convert to the variable's type, locals start at zero, `for` runs a double
// counter with both bounds inclusive, and loops are bounded (10^8
// iterations, then a fatal status code) rather than hanging a GPU.
//
//===----------------------------------------------------------------------===//
#include "ModelEmitterInternal.h"

namespace nsc::cuda::detail {

using namespace ir;

void Emitter::store(int depth, VarId v, const Expr *index, const std::string &value, const Type &from) {
  const Variable &var = m_.variables[v];
  std::string lhs = varLValue(v, index);
  switch (var.type.kind) {
  case TypeKind::Real:
    line(depth, lhs + (isFixed(var.type) ? " = " : " = (double)") + convert(value, from, var.type) + ";");
    break;
  case TypeKind::Bool: line(depth, lhs + " = (" + value + ") ? 1 : 0;"); break;
  case TypeKind::Int: line(depth, lhs + " = " + value + ";"); break;
  default: fail(var.loc, "the cuda target cannot store the string variable '" + var.name + "'"); break;
  }
}

void Emitter::block(const Block &b, int depth) {
  for (const StmtPtr &s : b)
    stmt(*s, depth);
}

void Emitter::stmt(const Stmt &s, int d) {
  switch (s.kind) {
  case StmtKind::Assign: {
    auto &a = *cast<Assign>(&s);
    store(d, a.target, a.index.get(), expr(*a.value), a.value->type);
    return;
  }
  case StmtKind::LocalDecl: {
    auto &l = *cast<LocalDecl>(&s);
    const Variable &v = m_.variables[l.var];
    for (unsigned k = 0; k < (v.vectorSize ? v.vectorSize : 1); ++k)
      line(d, "f." + member_[l.var] + (v.vectorSize ? "[" + std::to_string(k) + "]" : "") + " = 0;");
    if (l.init)
      store(d, l.var, nullptr, expr(*l.init), l.init->type);
    return;
  }
  case StmtKind::If: {
    auto &i = *cast<If>(&s);
    line(d, "if (" + expr(*i.cond) + ") {");
    block(i.thenBody, d + 1);
    if (!i.elseBody.empty()) {
      line(d, "} else {");
      block(i.elseBody, d + 1);
    }
    line(d, "}");
    return;
  }
  case StmtKind::For: {
    // The interpreter's loop: a double counter, both bounds inclusive,
    // step 0 skipped with a warning, at most 10^8 iterations.
    auto &fo = *cast<For>(&s);
    const Variable &v = m_.variables[fo.var];
    line(d, "{");
    line(d + 1, "double from = " + asDouble(*fo.from) + ", to = " + asDouble(*fo.to) + ", step = " +
                    asDouble(*fo.step) + ";");
    line(d + 1, "if (step == 0 || isnan(step)) {");
    line(d + 2, "atomicOr(&f.status[1], (nsc_u64)NSC_WARN_FOR_STEP_ZERO);");
    line(d + 1, "} else {");
    line(d + 2, "nsc_u64 guard = 0;");
    line(d + 2, "for (double x = from; step > 0 ? x <= to : x >= to; x = __dadd_rn(x, step)) {");
    line(d + 3, "if (++guard > 100000000ull) {");
    line(d + 4, "atomicCAS(&f.status[2], 0ull, (nsc_u64)NSC_FATAL_FOR_LOOP);");
    line(d + 4, "break;");
    line(d + 3, "}");
    if (v.type.kind == TypeKind::Int)
      line(d + 3, "f." + member_[fo.var] + " = (nsc_i64)x;");
    else if (isFixed(v.type))
      line(d + 3, "f." + member_[fo.var] + " = nsc_fx::inputFromDouble(x, " + fixedFormat(v.type.precision) + ");");
    else
      line(d + 3, "f." + member_[fo.var] + " = x;");
    block(fo.body, d + 3);
    line(d + 2, "}");
    line(d + 1, "}");
    line(d, "}");
    return;
  }
  case StmtKind::While: {
    auto &w = *cast<While>(&s);
    line(d, "{");
    line(d + 1, "nsc_u64 guard = 0;");
    line(d + 1, "while (" + expr(*w.cond) + ") {");
    line(d + 2, "if (++guard > 100000000ull) {");
    line(d + 3, "atomicCAS(&f.status[2], 0ull, (nsc_u64)NSC_FATAL_WHILE_LOOP);");
    line(d + 3, "break;");
    line(d + 2, "}");
    block(w.body, d + 2);
    line(d + 1, "}");
    line(d, "}");
    return;
  }
  case StmtKind::Return: {
    auto &r = *cast<Return>(&s);
    if (!inFunction_) {
      fail(s.loc, "the cuda target met 'return' outside a function");
      return;
    }
    line(d, r.value ? "return " + expr(*r.value) + ";" : "return;");
    return;
  }
  case StmtKind::EmitSpike: line(d, "f.spiked = 1; // emit_spike(): at most one spike per step (R12)"); return;
  case StmtKind::CallStmt: line(d, "(void)" + expr(*cast<CallStmt>(&s)->call) + ";"); return;
  case StmtKind::IntegrateOdes:
    fail(s.loc, "integrate_odes() reached the cuda target: run the solve-odes pass first");
    return;
  case StmtKind::ComputePropagator:
    fail(s.loc, "the cuda target met a propagator computation outside 'prepare'");
    return;
  }
}

} // namespace nsc::cuda::detail
