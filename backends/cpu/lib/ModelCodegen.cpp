//===- ModelCodegen.cpp - LLVM IR for a neuron model's step ---------------===//
//
// The module-level part of the generator (see ModelCodegen.h): the
// columns the step uses, the per-neuron loop function, the user functions
// and the exported entry. What code uses and the declarations of the
// support routines are in CodegenContext.cpp, expressions and statements
// in ExprCodegen.cpp and StmtCodegen.cpp.
//
//===----------------------------------------------------------------------===//
#include "ModelCodegen.h"
#include "VectorMathLink.h"

#include "CodegenContext.h"
#include "StepABI.h"

#include "nsc/ir/StateLayout.h"

#include "llvm/IR/Intrinsics.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstddef>

using namespace llvm;

namespace nsc::cpu {

using namespace detail;
using ir::TypeKind;
using ir::VarRole;

//===----------------------------------------------------------------------===//
// The generator
//===----------------------------------------------------------------------===//

namespace {

bool isColumn(const ir::Variable &v) {
  return v.role == VarRole::State || v.role == VarRole::Parameter || v.role == VarRole::Internal;
}

/// One pointer parameter of the loop function.
struct ColumnUse {
  enum Kind { Cell, Uniform, PortValue, PortCount, Spiked } kind;
  unsigned slot;     // variable slot or port slot (ir::StateLayout)
  uint32_t id;       // VarId or port index
  unsigned element;
};

class StepGenerator {
public:
  StepGenerator(const ir::Model &m, double dtMs, const std::string &symbol, Module &module,
                const std::vector<bool> &uniform)
      : m_(m), symbol_(symbol), mc_(m, dtMs, module), layout_(ir::layoutOf(m)), uniform_(uniform) {}

  Error run();

private:
  void analyse();
  Function *emitLoop();
  void emitEntry(Function *loop);

  // emitLoop's parts, in the order they emit.
  using PortCounts = std::map<std::pair<uint32_t, unsigned>, Value *>; // (port, element) -> count
  Function *declareLoop();
  void allocateStepStorage(BodyEmitter &em, Value *rt, Value *tMs);
  std::map<unsigned, Value *> loadUniforms(IRBuilder<> &b, Function *loop);
  PortCounts loadNeuron(BodyEmitter &em, Function *loop, Value *i, std::map<unsigned, Value *> &uniformValue);
  void resetNeuronLocals(BodyEmitter &em, Value *rt, Value *i, Value *step);
  void emitStepBlocks(BodyEmitter &em, Function *loop, PortCounts &counts);
  void emitTopBlock(BodyEmitter &em, Function *loop, const ir::Block &blk, const char *name);
  void storeNeuron(BodyEmitter &em, Function *loop, Value *i);
  Value *nonFiniteBits(BodyEmitter &em);

  const ir::Model &m_;
  std::string symbol_;
  ModuleContext mc_;
  ir::StateLayout layout_;
  UseSets top_;                       // the step blocks themselves
  std::vector<UseSets> fnUses_;       // per function, transitive
  std::vector<bool> reachable_;
  std::set<ir::VarId> stepVars_;      // storage the loop function needs
  std::set<ir::VarId> written_;       // columns written back
  std::set<uint32_t> stepPorts_;
  bool random_ = false;
  std::vector<ColumnUse> columns_;
  std::vector<unsigned> handlerOrder_;
  std::vector<bool> uniform_;
};

void StepGenerator::analyse() {
  top_.addBlock(m_.update);
  for (const ir::OnReceive &r : m_.onReceive)
    top_.addBlock(r.body);
  for (const ir::OnCondition &c : m_.onCondition) {
    top_.addExpr(*c.cond);
    top_.addBlock(c.body);
  }

  FunctionUses uses = analyseFunctions(m_, top_);
  reachable_ = uses.reachable;
  fnUses_ = uses.perFunction;
  stepVars_ = uses.all.vars;
  written_ = uses.all.written;
  stepPorts_ = uses.all.ports;
  random_ = uses.all.random;
  // The non-finite check reads element 0 of every real State variable.
  for (const ir::Variable &v : m_.variables)
    if (v.role == VarRole::State && v.type.kind == TypeKind::Real)
      stepVars_.insert(v.id);

  for (ir::VarId v : stepVars_) {
    const ir::Variable &var = m_.variables[v];
    if (!isColumn(var))
      continue;
    bool isUniform = v < uniform_.size() && uniform_[v] && !var.vectorSize && !written_.count(v) &&
                     (var.role == VarRole::Parameter || var.role == VarRole::Internal);
    for (unsigned e = 0; e < layout_.elements(v); ++e)
      columns_.push_back({isUniform ? ColumnUse::Uniform : ColumnUse::Cell, layout_.slot(v) + e, v, e});
  }
  // Every port's value and count columns: read where the step uses them,
  // always cleared (StepABI.h).
  for (uint32_t p = 0; p < m_.ports.size(); ++p)
    for (unsigned e = 0; e < layout_.portElements(p); ++e)
      columns_.push_back({ColumnUse::PortValue, layout_.portSlot(p) + e, p, e});
  for (unsigned h = 0; h < m_.onReceive.size(); ++h)
    handlerOrder_.push_back(h);
  // R8: priority descending, then declaration order.
  std::stable_sort(handlerOrder_.begin(), handlerOrder_.end(), [&](unsigned a, unsigned b) {
    return m_.onReceive[a].priority > m_.onReceive[b].priority;
  });
  for (uint32_t p = 0; p < m_.ports.size(); ++p)
    for (unsigned e = 0; e < layout_.portElements(p); ++e)
      columns_.push_back({ColumnUse::PortCount, layout_.portSlot(p) + e, p, e});
  columns_.push_back({ColumnUse::Spiked, 0, 0, 0});
}

Function *StepGenerator::declareLoop() {
  // uint32_t loop(ptr column..., i64 begin, i64 end, i64 step, double tMs, ptr rt)
  std::vector<Type *> params(columns_.size(), mc_.ptr());
  unsigned nCols = unsigned(columns_.size());
  params.insert(params.end(), {mc_.i64(), mc_.i64(), mc_.i64(), mc_.f64(), mc_.ptr()});
  Function *loop = Function::Create(FunctionType::get(mc_.i32(), params, false), GlobalValue::InternalLinkage,
                                    stepFunctionName(symbol_) + ".loop", mc_.module);
  loop->addFnAttr(Attribute::NoInline);
  loop->setDoesNotThrow();
  for (unsigned i = 0; i < nCols; ++i) {
    loop->addParamAttr(i, Attribute::NoAlias);
    loop->addParamAttr(i, Attribute::NoCapture);
  }
  return loop;
}

void StepGenerator::allocateStepStorage(BodyEmitter &em, Value *rt, Value *tMs) {
  IRBuilder<> &b = em.b;
  // Storage for everything the step touches; SROA promotes it per neuron.
  for (ir::VarId v : stepVars_) {
    const ir::Variable &var = m_.variables[v];
    Type *cell = mc_.cellType(var.type.kind);
    em.varPtr[v] = b.CreateAlloca(var.vectorSize ? ArrayType::get(cell, var.vectorSize) : cell, nullptr,
                                  var.name);
  }
  for (uint32_t p : stepPorts_) {
    const ir::Port &port = m_.ports[p];
    em.portPtr[p] = b.CreateAlloca(
        port.vectorSize ? ArrayType::get(mc_.f64(), port.vectorSize) : mc_.f64(), nullptr, port.name);
  }
  em.rt = rt;
  em.timeMs = tMs;
  em.depth = b.getInt32(0);
  em.returned = b.CreateAlloca(mc_.i64(), nullptr, "returned");
  em.spiked = b.CreateAlloca(mc_.i64(), nullptr, "spiked");
  if (random_) {
    AllocaInst *buf = b.CreateAlloca(ArrayType::get(b.getInt8Ty(), NSC_RNG_BUFFER_BYTES), nullptr, "rng");
    buf->setAlignment(Align(NSC_RNG_BUFFER_ALIGN));
    em.rng = buf;
  } else {
    em.rng = ConstantPointerNull::get(PointerType::getUnqual(mc_.ctx));
  }
}

std::map<unsigned, Value *> StepGenerator::loadUniforms(IRBuilder<> &b, Function *loop) {
  // Uniform values: one load per call, keyed by argument number.
  std::map<unsigned, Value *> uniformValue;
  unsigned arg = 0;
  for (const ColumnUse &c : columns_) {
    Value *cellPtr = loop->getArg(arg++);
    if (c.kind == ColumnUse::Uniform)
      uniformValue[arg - 1] =
          b.CreateLoad(mc_.cellType(m_.variables[c.id].type.kind), cellPtr, m_.variables[c.id].name + ".uniform");
  }
  return uniformValue;
}

StepGenerator::PortCounts StepGenerator::loadNeuron(BodyEmitter &em, Function *loop, Value *i,
                                                    std::map<unsigned, Value *> &uniformValue) {
  IRBuilder<> &b = em.b;
  PortCounts counts;
  unsigned argNo = 0;
  for (const ColumnUse &c : columns_) {
    Value *col = loop->getArg(argNo++);
    switch (c.kind) {
    case ColumnUse::Cell: {
      const ir::Variable &var = m_.variables[c.id];
      Type *cell = mc_.cellType(var.type.kind);
      Value *v = b.CreateLoad(cell, b.CreateInBoundsGEP(cell, col, i));
      b.CreateStore(v, em.varCellAt(c.id, b.getInt64(c.element)));
      break;
    }
    case ColumnUse::Uniform:
      b.CreateStore(uniformValue[argNo - 1], em.varCellAt(c.id, b.getInt64(c.element)));
      break;
    case ColumnUse::PortValue: {
      if (!stepPorts_.count(c.id))
        break;
      const ir::Port &port = m_.ports[c.id];
      Value *v = b.CreateLoad(mc_.f64(), b.CreateInBoundsGEP(mc_.f64(), col, i));
      Value *dst = em.portPtr[c.id];
      if (port.vectorSize)
        dst = b.CreateInBoundsGEP(ArrayType::get(mc_.f64(), port.vectorSize), dst,
                                  {b.getInt64(0), b.getInt64(c.element)});
      b.CreateStore(v, dst);
      break;
    }
    case ColumnUse::PortCount:
      counts[{c.id, c.element}] = b.CreateLoad(mc_.i32(), b.CreateInBoundsGEP(mc_.i32(), col, i));
      break;
    case ColumnUse::Spiked: break;
    }
  }
  return counts;
}

void StepGenerator::resetNeuronLocals(BodyEmitter &em, Value *rt, Value *i, Value *step) {
  IRBuilder<> &b = em.b;
  // Locals and arguments start at zero (the interpreter's rows start as
  // Value{}; a local is always declared before it is read).
  for (ir::VarId v : stepVars_) {
    const ir::Variable &var = m_.variables[v];
    if (isColumn(var))
      continue;
    for (unsigned e = 0; e < layout_.elements(v); ++e)
      b.CreateStore(Constant::getNullValue(mc_.cellType(var.type.kind)), em.varCellAt(v, b.getInt64(e)));
  }
  b.CreateStore(b.getInt64(0), em.spiked);
  b.CreateStore(b.getInt64(0), em.returned);
  if (random_)
    b.CreateCall(mc_.runtime("nsc_rt_rng_init"), {em.rng, rt, i, step});
}

void StepGenerator::emitTopBlock(BodyEmitter &em, Function *loop, const ir::Block &blk, const char *name) {
  BasicBlock *after = BasicBlock::Create(mc_.ctx, name, loop);
  em.returnBlock = after; // a `return` outside a function leaves the block
  em.block(blk);
  em.b.CreateBr(after);
  em.b.SetInsertPoint(after);
}

void StepGenerator::emitStepBlocks(BodyEmitter &em, Function *loop, PortCounts &counts) {
  IRBuilder<> &b = em.b;
  emitTopBlock(em, loop, m_.update, "update.end");
  for (unsigned h : handlerOrder_) {
    const ir::OnReceive &r = m_.onReceive[h];
    Value *arrived = b.getFalse();
    for (unsigned e = 0; e < layout_.portElements(r.port); ++e)
      arrived = b.CreateOr(arrived, b.CreateICmpNE(counts[{r.port, e}], b.getInt32(0)));
    BasicBlock *run = BasicBlock::Create(mc_.ctx, "receive", loop);
    BasicBlock *after = BasicBlock::Create(mc_.ctx, "receive.end", loop);
    b.CreateCondBr(arrived, run, after);
    b.SetInsertPoint(run);
    emitTopBlock(em, loop, r.body, "receive.body.end");
    b.CreateBr(after);
    b.SetInsertPoint(after);
  }
  for (const ir::OnCondition &c : m_.onCondition) {
    BasicBlock *run = BasicBlock::Create(mc_.ctx, "condition", loop);
    BasicBlock *after = BasicBlock::Create(mc_.ctx, "condition.end", loop);
    b.CreateCondBr(em.condition(*c.cond), run, after);
    b.SetInsertPoint(run);
    emitTopBlock(em, loop, c.body, "condition.body.end");
    b.CreateBr(after);
    b.SetInsertPoint(after);
  }
}

void StepGenerator::storeNeuron(BodyEmitter &em, Function *loop, Value *i) {
  IRBuilder<> &b = em.b;
  // Store back every written cell, unconditionally, and spiked.
  unsigned argNo = 0;
  for (const ColumnUse &c : columns_) {
    Value *col = loop->getArg(argNo++);
    if (c.kind == ColumnUse::Cell && written_.count(c.id)) {
      const ir::Variable &var = m_.variables[c.id];
      Type *cell = mc_.cellType(var.type.kind);
      Value *v = b.CreateLoad(cell, em.varCellAt(c.id, b.getInt64(c.element)));
      b.CreateStore(v, b.CreateInBoundsGEP(cell, col, i));
    } else if (c.kind == ColumnUse::Spiked) {
      Value *s = b.CreateTrunc(b.CreateLoad(mc_.i64(), em.spiked), b.getInt8Ty());
      b.CreateStore(s, b.CreateInBoundsGEP(b.getInt8Ty(), col, i));
    }
  }
  // Clear this neuron's port cells (StepABI.h).
  argNo = 0;
  for (const ColumnUse &c : columns_) {
    Value *col = loop->getArg(argNo++);
    if (c.kind == ColumnUse::PortValue)
      b.CreateStore(ConstantFP::get(mc_.f64(), 0.0), b.CreateInBoundsGEP(mc_.f64(), col, i));
    else if (c.kind == ColumnUse::PortCount)
      b.CreateStore(b.getInt32(0), b.CreateInBoundsGEP(mc_.i32(), col, i));
  }
}

Value *StepGenerator::nonFiniteBits(BodyEmitter &em) {
  IRBuilder<> &b = em.b;
  // x - x is +0.0 (all bits zero) for every finite x and NaN otherwise, so
  // OR-ing the bits of x - x over the state flags NaN and infinity with
  // one subtraction and one integer OR per variable.
  Value *bad = b.getInt64(0);
  for (const ir::Variable &v : m_.variables) {
    if (v.role != VarRole::State || v.type.kind != TypeKind::Real ||
        v.type.precision.kind == ir::Precision::Fixed) // raw integers: always finite
      continue;
    Value *x = b.CreateLoad(mc_.f64(), em.varCellAt(v.id, b.getInt64(0)));
    bad = b.CreateOr(bad, b.CreateBitCast(b.CreateFSub(x, x), mc_.i64()));
  }
  return bad;
}

Function *StepGenerator::emitLoop() {
  Function *loop = declareLoop();
  unsigned nCols = unsigned(columns_.size());
  Value *begin = loop->getArg(nCols), *end = loop->getArg(nCols + 1), *step = loop->getArg(nCols + 2);
  Value *tMs = loop->getArg(nCols + 3), *rt = loop->getArg(nCols + 4);

  BodyEmitter em(mc_, loop);
  IRBuilder<> &b = em.b;
  BasicBlock *entry = BasicBlock::Create(mc_.ctx, "entry", loop);
  b.SetInsertPoint(entry);
  allocateStepStorage(em, rt, tMs);
  std::map<unsigned, Value *> uniformValue = loadUniforms(b, loop);
  BasicBlock *head = BasicBlock::Create(mc_.ctx, "neuron.head", loop);
  BasicBlock *body = BasicBlock::Create(mc_.ctx, "neuron.body", loop);
  BasicBlock *exit = BasicBlock::Create(mc_.ctx, "exit", loop);
  em.fatalBlock = BasicBlock::Create(mc_.ctx, "fatal", loop);
  b.CreateBr(head);

  b.SetInsertPoint(head);
  PHINode *i = b.CreatePHI(mc_.i64(), 2, "i");
  // The OR of the bits of x - x over all neurons so far (nonFiniteBits):
  // kept as i64 in the loop, turned into a status bit once at the exit.
  PHINode *status = b.CreatePHI(mc_.i64(), 2, "nonfinite.bits");
  i->addIncoming(begin, entry);
  status->addIncoming(b.getInt64(0), entry);
  b.CreateCondBr(b.CreateICmpULT(i, end), body, exit);

  // Per neuron: load the cells, run the blocks, store back.
  b.SetInsertPoint(body);
  PortCounts counts = loadNeuron(em, loop, i, uniformValue);
  resetNeuronLocals(em, rt, i, step);
  emitStepBlocks(em, loop, counts);
  storeNeuron(em, loop, i);
  Value *nextStatus = b.CreateOr(status, nonFiniteBits(em));
  Value *next = b.CreateAdd(i, b.getInt64(1));
  i->addIncoming(next, b.GetInsertBlock());
  status->addIncoming(nextStatus, b.GetInsertBlock());
  b.CreateBr(head);

  auto statusOf = [&](Value *bits) {
    return b.CreateSelect(b.CreateICmpNE(bits, b.getInt64(0)), b.getInt32(NSC_STEP_NONFINITE),
                          b.getInt32(NSC_STEP_OK));
  };
  b.SetInsertPoint(exit);
  b.CreateRet(statusOf(status));
  b.SetInsertPoint(em.fatalBlock);
  b.CreateRet(b.CreateOr(statusOf(status), b.getInt32(NSC_STEP_FATAL)));
  return loop;
}

void StepGenerator::emitEntry(Function *loop) {
  LLVMContext &ctx = mc_.ctx;
  Function *entryFn = Function::Create(FunctionType::get(mc_.i32(), {mc_.ptr()}, false),
                                       GlobalValue::ExternalLinkage, stepFunctionName(symbol_), mc_.module);
  entryFn->setDoesNotThrow();
  IRBuilder<> b(BasicBlock::Create(ctx, "entry", entryFn));
  Value *args = entryFn->getArg(0);
  auto field = [&](size_t offset, Type *t, const char *name) {
    return b.CreateLoad(t, b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), args, offset), name);
  };
  Value *begin = field(offsetof(nsc_step_args, begin), mc_.i64(), "begin");
  Value *end = field(offsetof(nsc_step_args, end), mc_.i64(), "end");
  Value *step = field(offsetof(nsc_step_args, step), mc_.i64(), "step");
  Value *tMs = field(offsetof(nsc_step_args, tMs), mc_.f64(), "tMs");
  Value *columns = field(offsetof(nsc_step_args, columns), mc_.ptr(), "columns");
  Value *portValue = field(offsetof(nsc_step_args, portValue), mc_.ptr(), "portValue");
  Value *portCount = field(offsetof(nsc_step_args, portCount), mc_.ptr(), "portCount");
  Value *spiked = field(offsetof(nsc_step_args, spiked), mc_.ptr(), "spiked");
  Value *rt = field(offsetof(nsc_step_args, rt), mc_.ptr(), "rt");
  Value *uniforms = field(offsetof(nsc_step_args, uniforms), mc_.ptr(), "uniforms");
  std::vector<Value *> callArgs;
  for (const ColumnUse &c : columns_) {
    if (c.kind == ColumnUse::Uniform) {
      callArgs.push_back(b.CreateConstInBoundsGEP1_64(b.getInt64Ty(), uniforms, c.slot));
      continue;
    }
    Value *table = c.kind == ColumnUse::Cell        ? columns
                   : c.kind == ColumnUse::PortValue ? portValue
                   : c.kind == ColumnUse::PortCount ? portCount
                                                    : nullptr;
    if (!table) {
      callArgs.push_back(spiked);
      continue;
    }
    callArgs.push_back(b.CreateLoad(mc_.ptr(), b.CreateConstInBoundsGEP1_64(mc_.ptr(), table, c.slot)));
  }
  callArgs.insert(callArgs.end(), {begin, end, step, tMs, rt});
  b.CreateRet(b.CreateCall(loop, callArgs));
}

Error StepGenerator::run() {
  auto error = [](const std::string &msg) { return createStringError(inconvertibleErrorCode(), msg); };
  if (m_.kind == ir::ModelKind::Synapse)
    return error("model '" + m_.name + "': synapse models cannot be compiled by the cpu backend yet");
  if (!m_.odes.equations.empty() || !m_.odes.kernels.empty())
    return error("model '" + m_.name + "' still has ODEs: run the default pass pipeline first");
  analyse();
  emitUserFunctions(mc_, FunctionUses{fnUses_, reachable_, top_});
  Function *loop = emitLoop();
  emitEntry(loop);
  if (mc_.failed())
    return error("model '" + m_.name + "': " + mc_.error());
  std::string problems;
  raw_string_ostream os(problems);
  if (verifyModule(mc_.module, &os))
    return error("model '" + m_.name + "': internal error: the generated LLVM IR is invalid: " + os.str());
  return Error::success();
}

} // namespace

std::string stepFunctionName(const std::string &symbol) { return "nsc_step_" + symbol; }

Expected<std::unique_ptr<Module>> generateStepFunction(const ir::Model &model, double dtMs,
                                                       const std::string &symbol, LLVMContext &ctx,
                                                       const std::vector<bool> &uniform) {
  auto module = std::make_unique<Module>("nsc." + symbol, ctx);
  StepGenerator gen(model, dtMs, symbol, *module, uniform);
  if (Error e = gen.run())
    return e;
  if (Error e = linkVectorMath(*module))
    return e;
  return module;
}

} // namespace nsc::cpu
