//===- UserFunctions.cpp - A model's user functions as LLVM functions -----===//
//
// Shared by the neuron step generator (ModelCodegen.cpp) and the synapse
// generator (SynapseCodegen.cpp): which user functions the top-level blocks
// reach and what each touches (closed over calls), and their bodies. A
// function takes pointers to the variables and ports it reaches, so it
// sees and changes its caller's storage in place (CodegenContext.h).
//
//===----------------------------------------------------------------------===//
#include "CodegenContext.h"

using namespace llvm;

namespace nsc::cpu::detail {

FunctionUses analyseFunctions(const ir::Model &m, const UseSets &top) {
  FunctionUses out;
  // Direct uses, then the closure over calls (fixpoint, so recursion is
  // fine), then which are reachable.
  size_t nf = m.functions.size();
  out.perFunction.resize(nf);
  for (size_t f = 0; f < nf; ++f) {
    out.perFunction[f].addBlock(m.functions[f].body);
    for (ir::VarId p : m.functions[f].params)
      out.perFunction[f].vars.insert(p);
  }
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t f = 0; f < nf; ++f) {
      UseSets &u = out.perFunction[f];
      size_t before = u.vars.size() + u.written.size() + u.ports.size() + u.calls.size() + u.random;
      for (uint32_t g : std::set<uint32_t>(u.calls)) {
        if (g >= nf)
          continue;
        const UseSets &o = out.perFunction[g];
        u.vars.insert(o.vars.begin(), o.vars.end());
        u.written.insert(o.written.begin(), o.written.end());
        u.ports.insert(o.ports.begin(), o.ports.end());
        u.calls.insert(o.calls.begin(), o.calls.end());
        u.random = u.random || o.random;
      }
      changed |= before != u.vars.size() + u.written.size() + u.ports.size() + u.calls.size() + u.random;
    }
  }
  out.reachable.assign(nf, false);
  out.all = top;
  for (uint32_t f : top.calls) {
    if (f >= nf)
      continue;
    out.reachable[f] = true;
    for (uint32_t g : out.perFunction[f].calls)
      if (g < nf)
        out.reachable[g] = true;
  }
  for (size_t f = 0; f < nf; ++f) {
    if (!out.reachable[f])
      continue;
    const UseSets &u = out.perFunction[f];
    out.all.vars.insert(u.vars.begin(), u.vars.end());
    out.all.written.insert(u.written.begin(), u.written.end());
    out.all.ports.insert(u.ports.begin(), u.ports.end());
    out.all.random = out.all.random || u.random;
  }
  return out;
}

namespace {

void declareFunctions(ModuleContext &mc, const FunctionUses &uses) {
  const ir::Model &m = mc.model;
  size_t nf = m.functions.size();
  mc.functions.resize(nf);
  for (size_t f = 0; f < nf; ++f) {
    if (!uses.reachable[f])
      continue;
    const ir::Function &fn = m.functions[f];
    UserFunction &uf = mc.functions[f];
    uf.vars.assign(uses.perFunction[f].vars.begin(), uses.perFunction[f].vars.end());
    uf.ports.assign(uses.perFunction[f].ports.begin(), uses.perFunction[f].ports.end());
    uf.recursive = uses.perFunction[f].calls.count(uint32_t(f)) > 0;
    std::vector<Type *> params = {mc.ptr(), mc.ptr(), mc.ptr(), mc.ptr(), mc.f64(), mc.i32()};
    params.resize(kNumContextParams + uf.vars.size() + uf.ports.size(), mc.ptr());
    for (ir::VarId p : fn.params) {
      const ir::Variable &pv = m.variables[p];
      if (pv.vectorSize)
        mc.fail("the vector parameter '" + pv.name + "' of function '" + fn.name + "' cannot be compiled");
      params.push_back(mc.valueType(pv.type.kind));
    }
    // Returns false when a fatal error stopped it.
    uf.fn = Function::Create(FunctionType::get(mc.i1(), params, false), GlobalValue::InternalLinkage,
                             "nsc.fn." + fn.name, mc.module);
    uf.fn->setDoesNotThrow();
    // Inlined into the loop so that SROA sees through the storage pointers.
    if (!uf.recursive)
      uf.fn->addFnAttr(Attribute::AlwaysInline);
    for (unsigned i = kNumContextParams; i < kNumContextParams + uf.vars.size() + uf.ports.size(); ++i)
      uf.fn->addParamAttr(i, Attribute::NoCapture);
  }
}

void emitFunctionBody(ModuleContext &mc, uint32_t f) {
  const ir::Model &m = mc.model;
  const ir::Function &fn = m.functions[f];
  UserFunction &uf = mc.functions[f];
  BodyEmitter em(mc, uf.fn);
  BasicBlock *entry = BasicBlock::Create(mc.ctx, "entry", uf.fn);
  em.b.SetInsertPoint(entry);
  em.rt = uf.fn->getArg(kParamRuntime);
  em.rng = uf.fn->getArg(kParamRng);
  em.returned = uf.fn->getArg(kParamReturned);
  em.spiked = uf.fn->getArg(kParamSpiked);
  em.timeMs = uf.fn->getArg(kParamTime);
  em.depth = uf.fn->getArg(kParamDepth);
  unsigned a = kNumContextParams;
  for (ir::VarId v : uf.vars)
    em.varPtr[v] = uf.fn->getArg(a++);
  for (uint32_t p : uf.ports)
    em.portPtr[p] = uf.fn->getArg(a++);
  em.fatalBlock = BasicBlock::Create(mc.ctx, "fatal", uf.fn);
  em.returnBlock = BasicBlock::Create(mc.ctx, "return", uf.fn);

  // ModelExecutor::callFunction: save the argument slots, bind the values,
  // reset `returned_`, run the body, restore the slots.
  std::vector<Value *> saved;
  for (ir::VarId p : fn.params) {
    const ir::Variable &pv = m.variables[p];
    Value *cell = em.varCellAt(p, em.b.getInt64(0));
    saved.push_back(em.loadCell(cell, pv.type.kind));
    em.storeCell(cell, uf.fn->getArg(a++), pv.type.kind);
  }
  em.b.CreateStore(em.b.getInt64(0), em.returned);
  em.block(fn.body);
  em.b.CreateBr(em.returnBlock);

  em.b.SetInsertPoint(em.returnBlock);
  for (size_t i = 0; i < fn.params.size(); ++i) {
    const ir::Variable &pv = m.variables[fn.params[i]];
    em.storeCell(em.varCellAt(fn.params[i], em.b.getInt64(0)), saved[i], pv.type.kind);
  }
  em.b.CreateRet(em.b.getTrue());
  em.b.SetInsertPoint(em.fatalBlock);
  em.b.CreateRet(em.b.getFalse());
}

} // namespace

void emitUserFunctions(ModuleContext &mc, const FunctionUses &uses) {
  declareFunctions(mc, uses);
  for (uint32_t f = 0; f < mc.model.functions.size(); ++f)
    if (uses.reachable[f])
      emitFunctionBody(mc, f);
}

} // namespace nsc::cpu::detail
