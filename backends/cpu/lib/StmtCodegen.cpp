//===- StmtCodegen.cpp - LLVM IR for IR statements ------------------------===//
//
// Each case mirrors ModelExecutor::exec (backends/interp): an assignment
// evaluates its index before its value; a local declaration zeroes every
// element and then initialises element 0; a `for` loop counts in a double
// from `from` by `step` (skipped with a warning for a zero or NaN step) and
// writes the loop variable before each pass; both loops stop the run after
// 10^8 iterations. A fatal error leaves the function at once (the run stops,
// so nothing after it is observable).
//
//===----------------------------------------------------------------------===//
#include "CodegenContext.h"

using namespace llvm;

namespace nsc::cpu::detail {

using ir::TypeKind;

namespace {
/// ModelExecutor's kMaxLoopIterations.
constexpr uint64_t kMaxLoopIterations = 100000000;
/// nsc_rt_fatal codes (StepABI.h).
constexpr uint32_t kFatalFor = 1, kFatalWhile = 2;
} // namespace

BasicBlock *BodyEmitter::newBlock(const char *name) {
  return BasicBlock::Create(mc.ctx, name, fn);
}

AllocaInst *BodyEmitter::entryAlloca(Type *t, const char *name) {
  IRBuilder<> eb(&fn->getEntryBlock(), fn->getEntryBlock().begin());
  return eb.CreateAlloca(t, nullptr, name);
}

void BodyEmitter::continueInDeadBlock() { b.SetInsertPoint(newBlock("dead")); }

void BodyEmitter::block(const ir::Block &blk) {
  for (const ir::StmtPtr &s : blk)
    stmt(*s);
}

void BodyEmitter::loopGuard(Value *guard, uint32_t code) {
  Value *n = b.CreateAdd(b.CreateLoad(mc.i64(), guard), b.getInt64(1));
  b.CreateStore(n, guard);
  BasicBlock *runaway = newBlock("loop.runaway"), *ok = newBlock("loop.body");
  b.CreateCondBr(b.CreateICmpUGT(n, b.getInt64(kMaxLoopIterations)), runaway, ok);
  b.SetInsertPoint(runaway);
  b.CreateCall(mc.runtime("nsc_rt_fatal"), {rt, b.getInt32(code)});
  b.CreateBr(fatalBlock);
  b.SetInsertPoint(ok);
}

void BodyEmitter::forLoop(const ir::For &f) {
  const ir::Variable &var = mc.model.variables[f.var];
  if (var.vectorSize) {
    mc.fail("a for loop over the vector variable '" + var.name + "' cannot be compiled");
    return;
  }
  Value *from = realValue(*f.from);
  Value *to = realValue(*f.to);
  Value *step = realValue(*f.step);
  BasicBlock *skip = newBlock("for.skip"), *init = newBlock("for.init"), *head = newBlock("for.head");
  BasicBlock *body = newBlock("for.body"), *end = newBlock("for.end");
  // `step == 0 || isnan(step)`: unordered or equal.
  b.CreateCondBr(b.CreateFCmpUEQ(step, ConstantFP::get(mc.f64(), 0.0)), skip, init);
  b.SetInsertPoint(skip);
  b.CreateCall(mc.runtime("nsc_rt_warn_for_step_zero"), {rt});
  b.CreateBr(end);

  b.SetInsertPoint(init);
  AllocaInst *x = entryAlloca(mc.f64(), "for.x");
  AllocaInst *guard = entryAlloca(mc.i64(), "for.guard");
  b.CreateStore(from, x);
  b.CreateStore(b.getInt64(0), guard);
  b.CreateBr(head);

  b.SetInsertPoint(head);
  Value *xv = b.CreateLoad(mc.f64(), x);
  Value *more = b.CreateSelect(b.CreateFCmpOGT(step, ConstantFP::get(mc.f64(), 0.0)),
                               b.CreateFCmpOLE(xv, to), b.CreateFCmpOGE(xv, to));
  b.CreateCondBr(more, body, end);

  b.SetInsertPoint(body);
  loopGuard(guard, kFatalFor);
  Value *cell = varCellAt(f.var, b.getInt64(0));
  if (var.type.kind == TypeKind::Int)
    b.CreateStore(doubleToInt(xv), cell);
  else if (isFixed(var.type)) // the loop runs in float64, its variable holds raw Qm.n (as the interpreter's)
    b.CreateStore(fixedFromDouble(xv, var.type.precision, /*constant=*/false), cell);
  else if (var.type.kind == TypeKind::Real)
    b.CreateStore(xv, cell);
  else
    mc.fail("the for loop variable '" + var.name + "' is neither integer nor real");
  block(f.body);
  b.CreateStore(b.CreateFAdd(b.CreateLoad(mc.f64(), x), step), x);
  b.CreateBr(head);
  b.SetInsertPoint(end);
}

void BodyEmitter::whileLoop(const ir::While &w) {
  AllocaInst *guard = entryAlloca(mc.i64(), "while.guard");
  b.CreateStore(b.getInt64(0), guard);
  BasicBlock *head = newBlock("while.head"), *body = newBlock("while.body"), *end = newBlock("while.end");
  b.CreateBr(head);
  b.SetInsertPoint(head);
  b.CreateCondBr(condition(*w.cond), body, end);
  b.SetInsertPoint(body);
  loopGuard(guard, kFatalWhile);
  block(w.body);
  b.CreateBr(head);
  b.SetInsertPoint(end);
}

void BodyEmitter::stmt(const ir::Stmt &s) {
  switch (s.kind) {
  case ir::StmtKind::Assign: {
    auto &a = *ir::cast<ir::Assign>(&s);
    const ir::Variable &var = mc.model.variables[a.target];
    if (a.index && !var.vectorSize) {
      mc.fail("an index on the scalar variable '" + var.name + "' cannot be compiled");
      return;
    }
    Value *el = elementIndex(a.index.get(), var.vectorSize);
    Value *v = valueAs(*a.value, var.type);
    storeCell(varCellAt(a.target, el), v, var.type.kind);
    return;
  }
  case ir::StmtKind::LocalDecl: {
    auto &d = *ir::cast<ir::LocalDecl>(&s);
    const ir::Variable &var = mc.model.variables[d.var];
    unsigned n = var.vectorSize ? var.vectorSize : 1;
    for (unsigned k = 0; k < n; ++k)
      b.CreateStore(Constant::getNullValue(mc.cellType(var.type.kind)), varCellAt(d.var, b.getInt64(k)));
    if (d.init)
      storeCell(varCellAt(d.var, b.getInt64(0)), valueAs(*d.init, var.type), var.type.kind);
    return;
  }
  case ir::StmtKind::If: {
    auto &i = *ir::cast<ir::If>(&s);
    BasicBlock *thenB = newBlock("if.then"), *elseB = newBlock("if.else"), *end = newBlock("if.end");
    b.CreateCondBr(condition(*i.cond), thenB, elseB);
    b.SetInsertPoint(thenB);
    block(i.thenBody);
    b.CreateBr(end);
    b.SetInsertPoint(elseB);
    block(i.elseBody);
    b.CreateBr(end);
    b.SetInsertPoint(end);
    return;
  }
  case ir::StmtKind::For: forLoop(*ir::cast<ir::For>(&s)); return;
  case ir::StmtKind::While: whileLoop(*ir::cast<ir::While>(&s)); return;
  case ir::StmtKind::Return: {
    auto &r = *ir::cast<ir::Return>(&s);
    // The interpreter keeps the value in one `returned_` slot that every
    // call resets and the caller reads after the body.
    Value *bits = r.value ? reinterpret(expr(*r.value), r.value->type.kind, TypeKind::Int) : b.getInt64(0);
    if (returned)
      b.CreateStore(bits, returned);
    b.CreateBr(returnBlock);
    continueInDeadBlock();
    return;
  }
  case ir::StmtKind::EmitSpike: {
    auto &e = *ir::cast<ir::EmitSpike>(&s);
    if (e.args.empty()) {
      b.CreateStore(b.getInt64(1), spiked);
      return;
    }
    if (!emitArgs) {
      mc.fail(fn->getName().starts_with("nsc.fn.")
                  ? "emit_spike(w, d) inside a function cannot be compiled yet"
                  : "emit_spike() with arguments is for synapse models (a neuron emits with emit_spike())");
      return;
    }
    // ModelExecutor: only the first emit_spike of a step counts (R12); its
    // arguments are evaluated then, and only then.
    BasicBlock *first = newBlock("emit.first"), *after = newBlock("emit.end");
    b.CreateCondBr(b.CreateICmpEQ(b.CreateLoad(mc.i64(), spiked), b.getInt64(0)), first, after);
    b.SetInsertPoint(first);
    for (size_t i = 0; i < e.args.size() && i < 2; ++i)
      b.CreateStore(realValue(*e.args[i]), b.CreateConstInBoundsGEP1_64(mc.f64(), emitArgs, i));
    b.CreateStore(ConstantFP::get(mc.f64(), double(e.args.size())), b.CreateConstInBoundsGEP1_64(mc.f64(), emitArgs, 2));
    b.CreateStore(b.getInt64(1), spiked);
    b.CreateBr(after);
    b.SetInsertPoint(after);
    return;
  }
  case ir::StmtKind::CallStmt: expr(*ir::cast<ir::CallStmt>(&s)->call); return;
  case ir::StmtKind::IntegrateOdes:
    mc.fail("integrate_odes() cannot be compiled: run the default pass pipeline (solve-odes) first");
    return;
  case ir::StmtKind::ComputePropagator:
    mc.fail("compute_propagator cannot be compiled outside the model's prepare block (the runtime "
            "runs prepare with the interpreter)");
    return;
  }
}

} // namespace nsc::cpu::detail
