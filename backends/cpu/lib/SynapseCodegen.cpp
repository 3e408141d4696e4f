//===- SynapseCodegen.cpp - LLVM IR for a synapse model's code ------------===//
//
// See SynapseCodegen.h. Every variable's storage is its cell in the row
// (locals too: the interpreter keeps them there), every port's its cell in
// the port array; a `noalias` row lets LLVM keep the cells in registers
// within a call and across the catch-up loop.
//
//===----------------------------------------------------------------------===//
#include "SynapseCodegen.h"

#include "CodegenContext.h"
#include "ModelCodegen.h"
#include "StepABI.h"
#include "VectorMathLink.h"

#include "nsc/ir/StateLayout.h"

#include "llvm/IR/Verifier.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstddef>

using namespace llvm;

namespace nsc::cpu {

using namespace detail;

namespace {

class SynapseGenerator {
public:
  SynapseGenerator(const ir::Model &m, double dtMs, const std::string &symbol, Module &module)
      : m_(m), symbol_(symbol), mc_(m, dtMs, module), layout_(ir::layoutOf(m)) {}

  Error run();

private:
  /// Storage of every variable and port in `row` and `ports`, the context
  /// values, and the random stream buffer when the code draws.
  void setUp(BodyEmitter &em, Value *row, Value *ports, Value *rt);
  /// Runs `blk` (a `return` leaves it) and continues after it.
  void topBlock(BodyEmitter &em, const ir::Block &blk, const char *name);
  void emitSynapse();
  void emitCatchUp();

  const ir::Model &m_;
  std::string symbol_;
  ModuleContext mc_;
  ir::StateLayout layout_;
  FunctionUses uses_;
  std::vector<unsigned> handlerOrder_;
};

void SynapseGenerator::setUp(BodyEmitter &em, Value *row, Value *ports, Value *rt) {
  IRBuilder<> &b = em.b;
  for (const ir::Variable &v : m_.variables)
    em.varPtr[v.id] = b.CreateConstInBoundsGEP1_64(mc_.i64(), row, layout_.slot(v.id), v.name);
  for (uint32_t p = 0; p < m_.ports.size(); ++p)
    em.portPtr[p] = b.CreateConstInBoundsGEP1_64(mc_.f64(), ports, layout_.portSlot(p), m_.ports[p].name);
  em.rt = rt;
  em.depth = b.getInt32(0);
  em.returned = b.CreateAlloca(mc_.i64(), nullptr, "returned");
  em.spiked = b.CreateAlloca(mc_.i64(), nullptr, "spiked");
  b.CreateStore(b.getInt64(0), em.returned);
  b.CreateStore(b.getInt64(0), em.spiked);
  if (uses_.all.random) {
    AllocaInst *buf = b.CreateAlloca(ArrayType::get(b.getInt8Ty(), NSC_RNG_BUFFER_BYTES), nullptr, "rng");
    buf->setAlignment(Align(NSC_RNG_BUFFER_ALIGN));
    em.rng = buf;
  } else {
    em.rng = ConstantPointerNull::get(PointerType::getUnqual(mc_.ctx));
  }
}

void SynapseGenerator::topBlock(BodyEmitter &em, const ir::Block &blk, const char *name) {
  BasicBlock *after = BasicBlock::Create(mc_.ctx, name, em.fn);
  em.returnBlock = after; // a `return` outside a function leaves the block
  em.block(blk);
  em.b.CreateBr(after);
  em.b.SetInsertPoint(after);
}

void SynapseGenerator::emitSynapse() {
  Function *fn = Function::Create(FunctionType::get(mc_.i32(), {mc_.ptr()}, false), GlobalValue::ExternalLinkage,
                                  synapseFunctionName(symbol_), mc_.module);
  fn->setDoesNotThrow();
  fn->addParamAttr(0, Attribute::NoAlias);
  BodyEmitter em(mc_, fn);
  IRBuilder<> &b = em.b;
  b.SetInsertPoint(BasicBlock::Create(mc_.ctx, "entry", fn));
  Value *args = fn->getArg(0);
  auto fieldPtr = [&](size_t offset) { return b.CreateConstInBoundsGEP1_64(b.getInt8Ty(), args, offset); };
  auto field = [&](size_t offset, Type *t, const char *name) { return b.CreateLoad(t, fieldPtr(offset), name); };
  Value *row = field(offsetof(nsc_synapse_args, row), mc_.ptr(), "row");
  Value *ports = field(offsetof(nsc_synapse_args, ports), mc_.ptr(), "ports");
  Value *arrived = field(offsetof(nsc_synapse_args, arrived), mc_.i64(), "arrived");
  Value *runUpdate = field(offsetof(nsc_synapse_args, runUpdate), mc_.i64(), "runUpdate");
  Value *step = field(offsetof(nsc_synapse_args, step), mc_.i64(), "step");
  Value *tMs = field(offsetof(nsc_synapse_args, tMs), mc_.f64(), "tMs");
  Value *synapse = field(offsetof(nsc_synapse_args, synapse), mc_.i64(), "synapse");
  Value *rt = field(offsetof(nsc_synapse_args, rt), mc_.ptr(), "rt");
  setUp(em, row, ports, rt);
  em.timeMs = tMs;
  em.emitArgs = fieldPtr(offsetof(nsc_synapse_args, emit));
  em.fatalBlock = BasicBlock::Create(mc_.ctx, "fatal", fn);
  if (uses_.all.random)
    b.CreateCall(mc_.runtime("nsc_rt_rng_init"), {em.rng, rt, synapse, step});

  BasicBlock *update = BasicBlock::Create(mc_.ctx, "update", fn);
  BasicBlock *handlers = BasicBlock::Create(mc_.ctx, "handlers", fn);
  b.CreateCondBr(b.CreateICmpNE(runUpdate, b.getInt64(0)), update, handlers);
  b.SetInsertPoint(update);
  topBlock(em, m_.update, "update.end");
  b.CreateBr(handlers);
  b.SetInsertPoint(handlers);
  for (unsigned h : handlerOrder_) {
    const ir::OnReceive &r = m_.onReceive[h];
    Value *bit = b.CreateAnd(b.CreateLShr(arrived, b.getInt64(r.port)), b.getInt64(1));
    BasicBlock *run = BasicBlock::Create(mc_.ctx, "receive", fn);
    BasicBlock *after = BasicBlock::Create(mc_.ctx, "receive.end", fn);
    b.CreateCondBr(b.CreateICmpNE(bit, b.getInt64(0)), run, after);
    b.SetInsertPoint(run);
    topBlock(em, r.body, "receive.body.end");
    b.CreateBr(after);
    b.SetInsertPoint(after);
  }
  Value *emitted = b.CreateICmpNE(b.CreateLoad(mc_.i64(), em.spiked), b.getInt64(0));
  b.CreateRet(b.CreateSelect(emitted, b.getInt32(NSC_SYNAPSE_EMITTED), b.getInt32(NSC_STEP_OK)));
  b.SetInsertPoint(em.fatalBlock);
  b.CreateRet(b.getInt32(NSC_STEP_FATAL));
}

void SynapseGenerator::emitCatchUp() {
  Type *i64 = mc_.i64();
  Function *fn = Function::Create(
      FunctionType::get(mc_.i32(), {mc_.ptr(), i64, i64, i64, mc_.ptr(), mc_.ptr()}, false),
      GlobalValue::ExternalLinkage, catchUpFunctionName(symbol_), mc_.module);
  fn->setDoesNotThrow();
  fn->addParamAttr(0, Attribute::NoAlias);
  Value *row = fn->getArg(0), *from = fn->getArg(1), *to = fn->getArg(2), *synapse = fn->getArg(3);
  Value *rt = fn->getArg(4), *zeroPorts = fn->getArg(5);
  BodyEmitter em(mc_, fn);
  IRBuilder<> &b = em.b;
  BasicBlock *entry = BasicBlock::Create(mc_.ctx, "entry", fn);
  b.SetInsertPoint(entry);
  setUp(em, row, zeroPorts, rt);
  // The runtime catches up only models whose `update:` cannot emit
  // (SynapseModelInfo::lazyUpdate); an update that may emit still compiles.
  em.emitArgs = b.CreateAlloca(ArrayType::get(mc_.f64(), 3), nullptr, "emit.unused");
  em.fatalBlock = BasicBlock::Create(mc_.ctx, "fatal", fn);
  BasicBlock *head = BasicBlock::Create(mc_.ctx, "step.head", fn);
  BasicBlock *body = BasicBlock::Create(mc_.ctx, "step.body", fn);
  BasicBlock *exit = BasicBlock::Create(mc_.ctx, "exit", fn);
  b.CreateBr(head);
  b.SetInsertPoint(head);
  PHINode *j = b.CreatePHI(i64, 2, "j");
  j->addIncoming(from, entry);
  b.CreateCondBr(b.CreateICmpULT(j, to), body, exit);
  b.SetInsertPoint(body);
  // ModelSynapses::catchUp: a fresh frame per step (time, draws of step j).
  em.timeMs = b.CreateFMul(b.CreateUIToFP(j, mc_.f64()), ConstantFP::get(mc_.f64(), mc_.dtMs), "t");
  if (uses_.all.random)
    b.CreateCall(mc_.runtime("nsc_rt_rng_init"), {em.rng, rt, synapse, j});
  topBlock(em, m_.update, "update.end");
  j->addIncoming(b.CreateAdd(j, b.getInt64(1)), b.GetInsertBlock());
  b.CreateBr(head);
  b.SetInsertPoint(exit);
  b.CreateRet(b.getInt32(NSC_STEP_OK));
  b.SetInsertPoint(em.fatalBlock);
  b.CreateRet(b.getInt32(NSC_STEP_FATAL));
}

Error SynapseGenerator::run() {
  auto error = [&](const std::string &msg) {
    return createStringError(inconvertibleErrorCode(), "synapse model '" + m_.name + "': " + msg);
  };
  if (!m_.odes.equations.empty() || !m_.odes.kernels.empty())
    return error("still has ODEs: run the default pass pipeline first");
  if (!m_.onCondition.empty())
    return error("onCondition blocks are not run in synapse models");
  if (m_.ports.size() > 64)
    return error("more than 64 ports");
  for (const ir::Variable &v : m_.variables)
    if (v.type.precision.kind == ir::Precision::Fixed)
      return error("fixed-point variables ('" + v.name + "') cannot be compiled in synapse models yet");
  UseSets top;
  top.addBlock(m_.update);
  for (const ir::OnReceive &r : m_.onReceive)
    top.addBlock(r.body);
  uses_ = analyseFunctions(m_, top);
  for (unsigned h = 0; h < m_.onReceive.size(); ++h)
    handlerOrder_.push_back(h);
  // R8: priority descending, then declaration order.
  std::stable_sort(handlerOrder_.begin(), handlerOrder_.end(), [&](unsigned a, unsigned b) {
    return m_.onReceive[a].priority > m_.onReceive[b].priority;
  });
  emitUserFunctions(mc_, uses_);
  emitSynapse();
  emitCatchUp();
  if (mc_.failed())
    return error(mc_.error());
  std::string problems;
  raw_string_ostream os(problems);
  if (verifyModule(mc_.module, &os))
    return error("internal error: the generated LLVM IR is invalid: " + os.str());
  return Error::success();
}

} // namespace

std::string synapseFunctionName(const std::string &symbol) { return stepFunctionName(symbol) + "_synapse"; }
std::string catchUpFunctionName(const std::string &symbol) { return stepFunctionName(symbol) + "_catchup"; }

Expected<std::unique_ptr<Module>> generateSynapseFunctions(const ir::Model &model, double dtMs,
                                                           const std::string &symbol, LLVMContext &ctx) {
  auto module = std::make_unique<Module>("nsc.synapse." + symbol, ctx);
  SynapseGenerator gen(model, dtMs, symbol, *module);
  if (Error e = gen.run())
    return e;
  if (Error e = linkVectorMath(*module))
    return e;
  return module;
}

} // namespace nsc::cpu
