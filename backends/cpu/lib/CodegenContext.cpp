//===- CodegenContext.cpp - Shared state of the model code generator ------===//
//
// The parts of CodegenContext.h the emitters share: what a piece of code
// reads, writes and calls (UseSets), the module's types, support routine
// and libm declarations and string constants (ModuleContext), and the
// BodyEmitter's construction.
//
//===----------------------------------------------------------------------===//
#include "CodegenContext.h"

#include <string>
#include <vector>

using namespace llvm;

namespace nsc::cpu::detail {

using ir::TypeKind;

//===----------------------------------------------------------------------===//
// UseSets
//===----------------------------------------------------------------------===//

void UseSets::addExpr(const ir::Expr &e) {
  switch (e.kind) {
  case ir::ExprKind::VarRef: {
    auto &r = *ir::cast<ir::VarRef>(&e);
    vars.insert(r.var);
    if (r.index)
      addExpr(*r.index);
    return;
  }
  case ir::ExprKind::PortRef: {
    auto &p = *ir::cast<ir::PortRef>(&e);
    ports.insert(p.port);
    if (p.index)
      addExpr(*p.index);
    return;
  }
  case ir::ExprKind::Unary: addExpr(*ir::cast<ir::Unary>(&e)->operand); return;
  case ir::ExprKind::Binary: {
    auto &b = *ir::cast<ir::Binary>(&e);
    addExpr(*b.lhs);
    addExpr(*b.rhs);
    return;
  }
  case ir::ExprKind::Select: {
    auto &s = *ir::cast<ir::Select>(&e);
    addExpr(*s.cond);
    addExpr(*s.thenExpr);
    addExpr(*s.elseExpr);
    return;
  }
  case ir::ExprKind::Call: {
    auto &c = *ir::cast<ir::Call>(&e);
    switch (c.builtin) {
    case ir::Builtin::User: calls.insert(c.function); break;
    case ir::Builtin::RandomNormal:
    case ir::Builtin::RandomUniform:
    case ir::Builtin::RandomPoisson:
    case ir::Builtin::RandomLognormal:
    case ir::Builtin::RandomExponential: random = true; break;
    default: break;
    }
    for (const ir::ExprPtr &a : c.args)
      addExpr(*a);
    return;
  }
  case ir::ExprKind::UnitConvert: addExpr(*ir::cast<ir::UnitConvert>(&e)->operand); return;
  case ir::ExprKind::Cast: addExpr(*ir::cast<ir::Cast>(&e)->operand); return;
  default: return;
  }
}

void UseSets::addStmt(const ir::Stmt &s) {
  switch (s.kind) {
  case ir::StmtKind::Assign: {
    auto &a = *ir::cast<ir::Assign>(&s);
    vars.insert(a.target);
    written.insert(a.target);
    if (a.index)
      addExpr(*a.index);
    addExpr(*a.value);
    return;
  }
  case ir::StmtKind::LocalDecl: {
    auto &d = *ir::cast<ir::LocalDecl>(&s);
    vars.insert(d.var);
    written.insert(d.var);
    if (d.init)
      addExpr(*d.init);
    return;
  }
  case ir::StmtKind::If: {
    auto &i = *ir::cast<ir::If>(&s);
    addExpr(*i.cond);
    addBlock(i.thenBody);
    addBlock(i.elseBody);
    return;
  }
  case ir::StmtKind::For: {
    auto &f = *ir::cast<ir::For>(&s);
    vars.insert(f.var);
    written.insert(f.var);
    addExpr(*f.from);
    addExpr(*f.to);
    addExpr(*f.step);
    addBlock(f.body);
    return;
  }
  case ir::StmtKind::While: {
    auto &w = *ir::cast<ir::While>(&s);
    addExpr(*w.cond);
    addBlock(w.body);
    return;
  }
  case ir::StmtKind::Return:
    if (auto &v = ir::cast<ir::Return>(&s)->value)
      addExpr(*v);
    return;
  case ir::StmtKind::EmitSpike:
    for (const ir::ExprPtr &a : ir::cast<ir::EmitSpike>(&s)->args)
      addExpr(*a);
    return;
  case ir::StmtKind::CallStmt: addExpr(*ir::cast<ir::CallStmt>(&s)->call); return;
  default: return; // rejected by the emitter
  }
}

void UseSets::addBlock(const ir::Block &b) {
  for (const ir::StmtPtr &s : b)
    addStmt(*s);
}

//===----------------------------------------------------------------------===//
// ModuleContext
//===----------------------------------------------------------------------===//

ModuleContext::ModuleContext(const ir::Model &model, double dtMs, Module &module)
    : model(model), dtMs(dtMs), module(module), ctx(module.getContext()) {}

void ModuleContext::fail(const std::string &message) {
  if (error_.empty())
    error_ = message;
}

Type *ModuleContext::f64() const { return Type::getDoubleTy(ctx); }
Type *ModuleContext::i64() const { return Type::getInt64Ty(ctx); }
Type *ModuleContext::i32() const { return Type::getInt32Ty(ctx); }
Type *ModuleContext::i1() const { return Type::getInt1Ty(ctx); }
Type *ModuleContext::ptr() const { return PointerType::getUnqual(ctx); }

Type *ModuleContext::valueType(TypeKind k) {
  switch (k) {
  case TypeKind::Real: return f64();
  case TypeKind::Bool: return i1();
  default: return i64();
  }
}

Type *ModuleContext::cellType(TypeKind k) { return k == TypeKind::Real ? f64() : i64(); }

FunctionCallee ModuleContext::runtime(const char *name) {
  Type *v = Type::getVoidTy(ctx);
  Type *p = ptr();
  FunctionType *ft = nullptr;
  StringRef n(name);
  if (n == "nsc_rt_rng_init")
    ft = FunctionType::get(v, {p, p, i64(), i64()}, false);
  else if (n == "nsc_rt_rng_uniform" || n == "nsc_rt_rng_normal" || n == "nsc_rt_rng_lognormal")
    ft = FunctionType::get(f64(), {p, f64(), f64()}, false);
  else if (n == "nsc_rt_rng_exponential")
    ft = FunctionType::get(f64(), {p, f64()}, false);
  else if (n == "nsc_rt_rng_poisson")
    ft = FunctionType::get(i64(), {p, f64()}, false);
  else if (n == "nsc_rt_msg_begin" || n == "nsc_rt_warn_int_div_zero" || n == "nsc_rt_warn_for_step_zero")
    ft = FunctionType::get(v, {p}, false);
  else if (n == "nsc_rt_msg_str")
    ft = FunctionType::get(v, {p, p}, false);
  else if (n == "nsc_rt_msg_real")
    ft = FunctionType::get(v, {p, f64()}, false);
  else if (n == "nsc_rt_msg_int" || n == "nsc_rt_msg_bool")
    ft = FunctionType::get(v, {p, i64()}, false);
  else if (n == "nsc_rt_msg_end" || n == "nsc_rt_fatal")
    ft = FunctionType::get(v, {p, i32()}, false);
  else if (n == "nsc_rt_warn_index")
    ft = FunctionType::get(v, {p, i64(), i64()}, false);
  else if (n == "nsc_rt_fx_input" || n == "nsc_rt_fx_from_double")
    ft = FunctionType::get(i64(), {f64(), i64()}, false);
  else if (n == "nsc_rt_fx_binary")
    ft = FunctionType::get(i64(), {i32(), i64(), i64(), i64(), i64(), i64()}, false);
  else if (n == "nsc_rt_fx_unary")
    ft = FunctionType::get(i64(), {i32(), i64(), i64(), i64()}, false);
  else if (n == "nsc_rt_fx_scale")
    ft = FunctionType::get(i64(), {i64(), i64(), f64(), i64()}, false);
  if (!ft) {
    fail(std::string("internal error: unknown support routine ") + name);
    ft = FunctionType::get(v, {}, false);
  }
  FunctionCallee fc = module.getOrInsertFunction(name, ft);
  if (auto *f = dyn_cast<Function>(fc.getCallee()))
    f->setDoesNotThrow();
  return fc;
}

FunctionCallee ModuleContext::libm(const char *name, unsigned n) {
  std::vector<Type *> params(n, f64());
  FunctionCallee fc = module.getOrInsertFunction(name, FunctionType::get(f64(), params, false));
  if (auto *f = dyn_cast<Function>(fc.getCallee()))
    f->setDoesNotThrow();
  return fc;
}

FunctionCallee ModuleContext::llround() {
  FunctionCallee fc = module.getOrInsertFunction("llround", FunctionType::get(i64(), {f64()}, false));
  if (auto *f = dyn_cast<Function>(fc.getCallee()))
    f->setDoesNotThrow();
  return fc;
}

Function *ModuleContext::integerPow() {
  if (ipow_)
    return ipow_;
  // acc = 1; for (k = 0; k < r && k < 64; ++k) acc *= l; return r < 0 ? 0 : acc
  // (wrapping multiplication, as ModelExecutor).
  ipow_ = Function::Create(FunctionType::get(i64(), {i64(), i64()}, false), GlobalValue::InternalLinkage,
                           "nsc.ipow", module);
  ipow_->setDoesNotThrow();
  Argument *l = ipow_->getArg(0), *r = ipow_->getArg(1);
  BasicBlock *entry = BasicBlock::Create(ctx, "entry", ipow_);
  BasicBlock *head = BasicBlock::Create(ctx, "head", ipow_);
  BasicBlock *body = BasicBlock::Create(ctx, "body", ipow_);
  BasicBlock *exit = BasicBlock::Create(ctx, "exit", ipow_);
  IRBuilder<> b(entry);
  b.CreateBr(head);
  b.SetInsertPoint(head);
  PHINode *k = b.CreatePHI(i64(), 2), *acc = b.CreatePHI(i64(), 2);
  Value *more = b.CreateAnd(b.CreateICmpSLT(k, r), b.CreateICmpSLT(k, b.getInt64(64)));
  b.CreateCondBr(more, body, exit);
  b.SetInsertPoint(body);
  Value *acc2 = b.CreateMul(acc, l);
  Value *k2 = b.CreateAdd(k, b.getInt64(1));
  b.CreateBr(head);
  k->addIncoming(b.getInt64(0), entry);
  k->addIncoming(k2, body);
  acc->addIncoming(b.getInt64(1), entry);
  acc->addIncoming(acc2, body);
  b.SetInsertPoint(exit);
  b.CreateRet(b.CreateSelect(b.CreateICmpSLT(r, b.getInt64(0)), b.getInt64(0), acc));
  return ipow_;
}

Constant *ModuleContext::string(const std::string &text) {
  auto it = strings_.find(text);
  if (it != strings_.end())
    return it->second;
  Constant *init = ConstantDataArray::getString(ctx, text);
  auto *gv = new GlobalVariable(module, init->getType(), true, GlobalValue::PrivateLinkage, init, "nsc.str");
  gv->setUnnamedAddr(GlobalValue::UnnamedAddr::Global);
  gv->setAlignment(Align(1));
  strings_[text] = gv;
  return gv;
}

//===----------------------------------------------------------------------===//
// BodyEmitter construction
//===----------------------------------------------------------------------===//

BodyEmitter::BodyEmitter(ModuleContext &mc, Function *fn)
    : mc(mc), fn(fn), b(mc.ctx), varPtr(mc.model.variables.size(), nullptr),
      portPtr(mc.model.ports.size(), nullptr) {}

} // namespace nsc::cpu::detail
