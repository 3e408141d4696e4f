//===- JitTestModules.h - Small hand-built LLVM modules for the JIT tests -===//
//
// The JIT tests do not depend on the code generator: they build a few
// functions with IRBuilder, in the shapes generated step functions have
// (a loop over arrays of doubles, calls to libm and to the nsc_rt_*
// routines), and compare what the JIT runs with the same arithmetic in C++.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "StepABI.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"

#include <memory>
#include <string>
#include <utility>

namespace nsc::cpu::test {

struct OwnedModule {
  std::unique_ptr<llvm::LLVMContext> context;
  std::unique_ptr<llvm::Module> module;
};

/// `void NAME(double *noalias out, const double *noalias x, double a,
/// double b, int64_t n)`: out[i] = a * x[i] + b, or exp(a * x[i] + b) when
/// `callExp`, for i in [0, n).
inline void addAxpbLoop(llvm::Module &m, const std::string &name, bool callExp) {
  using namespace llvm;
  LLVMContext &ctx = m.getContext();
  Type *f64 = Type::getDoubleTy(ctx), *i64 = Type::getInt64Ty(ctx), *ptr = PointerType::get(ctx, 0);
  auto *fnTy = FunctionType::get(Type::getVoidTy(ctx), {ptr, ptr, f64, f64, i64}, false);
  Function *fn = Function::Create(fnTy, Function::ExternalLinkage, name, m);
  fn->addParamAttr(0, Attribute::NoAlias);
  fn->addParamAttr(1, Attribute::NoAlias);
  fn->addFnAttr(Attribute::NoUnwind);
  Argument *out = fn->getArg(0), *x = fn->getArg(1), *a = fn->getArg(2), *b = fn->getArg(3),
           *n = fn->getArg(4);
  FunctionCallee expFn;
  if (callExp)
    expFn = m.getOrInsertFunction("exp", FunctionType::get(f64, {f64}, false));

  BasicBlock *entry = BasicBlock::Create(ctx, "entry", fn);
  BasicBlock *loop = BasicBlock::Create(ctx, "loop", fn);
  BasicBlock *exit = BasicBlock::Create(ctx, "exit", fn);
  IRBuilder<> bld(entry);
  bld.CreateCondBr(bld.CreateICmpSLE(n, bld.getInt64(0)), exit, loop);

  bld.SetInsertPoint(loop);
  PHINode *i = bld.CreatePHI(i64, 2, "i");
  i->addIncoming(bld.getInt64(0), entry);
  Value *xi = bld.CreateLoad(f64, bld.CreateInBoundsGEP(f64, x, i), "xi");
  Value *v = bld.CreateFAdd(bld.CreateFMul(a, xi), b);
  if (callExp)
    v = bld.CreateCall(expFn, {v});
  bld.CreateStore(v, bld.CreateInBoundsGEP(f64, out, i));
  Value *next = bld.CreateAdd(i, bld.getInt64(1), "next", /*HasNUW=*/true, /*HasNSW=*/true);
  i->addIncoming(next, loop);
  bld.CreateCondBr(bld.CreateICmpEQ(next, n), exit, loop);

  bld.SetInsertPoint(exit);
  bld.CreateRetVoid();
}

/// `double NAME(double a, double b, double c)`: a * b + c as an fmul and an
/// fadd without fast-math flags (must never become an FMA).
inline void addMulAdd(llvm::Module &m, const std::string &name) {
  using namespace llvm;
  LLVMContext &ctx = m.getContext();
  Type *f64 = Type::getDoubleTy(ctx);
  Function *fn = Function::Create(FunctionType::get(f64, {f64, f64, f64}, false),
                                  Function::ExternalLinkage, name, m);
  IRBuilder<> bld(BasicBlock::Create(ctx, "entry", fn));
  bld.CreateRet(bld.CreateFAdd(bld.CreateFMul(fn->getArg(0), fn->getArg(1)), fn->getArg(2)));
}

/// `void NAME(nsc_runtime *rt)`: calls ROUTINE(rt) (a void nsc_rt_* routine
/// with the context as its only argument).
inline void addRuntimeCall(llvm::Module &m, const std::string &name, const std::string &routine) {
  using namespace llvm;
  LLVMContext &ctx = m.getContext();
  Type *ptr = PointerType::get(ctx, 0);
  auto *fnTy = FunctionType::get(Type::getVoidTy(ctx), {ptr}, false);
  FunctionCallee callee = m.getOrInsertFunction(routine, fnTy);
  Function *fn = Function::Create(fnTy, Function::ExternalLinkage, name, m);
  IRBuilder<> bld(BasicBlock::Create(ctx, "entry", fn));
  bld.CreateCall(callee, {fn->getArg(0)});
  bld.CreateRetVoid();
}

/// A fresh context and an empty module.
inline OwnedModule emptyModule(const std::string &id) {
  OwnedModule om;
  om.context = std::make_unique<llvm::LLVMContext>();
  om.module = std::make_unique<llvm::Module>(id, *om.context);
  return om;
}

/// The module most tests use: nsc_test_axpb, nsc_test_axpb_exp,
/// nsc_test_muladd, nsc_test_div_zero (calls nsc_rt_warn_int_div_zero).
/// `salt` is added as a named, unused global so tests can make modules with
/// different text (and so different cache keys).
inline OwnedModule standardModule(const std::string &salt = "") {
  OwnedModule om = emptyModule("jit_test");
  addAxpbLoop(*om.module, "nsc_test_axpb", false);
  addAxpbLoop(*om.module, "nsc_test_axpb_exp", true);
  addMulAdd(*om.module, "nsc_test_muladd");
  addRuntimeCall(*om.module, "nsc_test_div_zero", "nsc_rt_warn_int_div_zero");
  if (!salt.empty()) {
    llvm::Type *i64 = llvm::Type::getInt64Ty(*om.context);
    new llvm::GlobalVariable(*om.module, i64, true, llvm::GlobalValue::ExternalLinkage,
                             llvm::ConstantInt::get(i64, 1), "nsc_test_salt_" + salt);
  }
  return om;
}

using AxpbFn = void (*)(double *, const double *, double, double, int64_t);
using MulAddFn = double (*)(double, double, double);
using RuntimeFn = void (*)(nsc_runtime *);

} // namespace nsc::cpu::test
