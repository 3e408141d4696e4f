//===- CodegenContext.h - Shared state of the model code generator -*- C++ -*-===//
//
// Internal to ModelCodegen: what the module-level driver (ModelCodegen.cpp)
// hands to the emitters of expressions (ExprCodegen.cpp) and statements
// (StmtCodegen.cpp); UseSets, ModuleContext and the BodyEmitter's
// construction are defined in CodegenContext.cpp.
//
// Values in SSA form follow the IR kinds: Real -> double (a float32 value
// is kept widened, R25: every float32 result is rounded with fptrunc +
// fpext), Int -> i64, Bool -> i1. Storage (allocas, columns) holds 8-byte
// cells: double, i64, and i64 0/1 for Bool.
//
// Every variable and port a piece of code can touch has a storage pointer:
// in the loop function an alloca (column cells are loaded into it per
// neuron), in a user function a pointer parameter. So a user function sees
// and changes the caller's variables in place, as the interpreter does with
// its single row per neuron: its locals are shared by all recursion levels
// and only its arguments are saved and restored around a call
// (ModelExecutor::callFunction).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/Module.h"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace nsc::cpu::detail {

/// What a piece of code (a block, a function) reads, writes and calls.
struct UseSets {
  std::set<ir::VarId> vars;    // every variable read, written or declared
  std::set<ir::VarId> written; // Assign targets and for-loop variables
  std::set<uint32_t> ports;    // ports read (PortRef)
  std::set<uint32_t> calls;    // user functions called
  bool random = false;         // random_* draws

  void addBlock(const ir::Block &b);
  void addStmt(const ir::Stmt &s);
  void addExpr(const ir::Expr &e);
};

/// The user functions a model's top-level blocks reach (UserFunctions.cpp):
/// what each touches, closed over the calls it makes, which are reachable,
/// and `all`: the top-level uses plus those of every reachable function.
struct FunctionUses {
  std::vector<UseSets> perFunction;
  std::vector<bool> reachable;
  UseSets all;
};
FunctionUses analyseFunctions(const ir::Model &m, const UseSets &top);

/// A user function as generated: its LLVM function and the storage it
/// needs from its caller, in parameter order.
struct UserFunction {
  llvm::Function *fn = nullptr;
  std::vector<ir::VarId> vars;  // pointer parameters for these variables
  std::vector<uint32_t> ports;  // then for these ports
  bool recursive = false;
};

/// User function parameters before the storage pointers.
enum UserFunctionParam : unsigned {
  kParamRuntime,   // nsc_runtime *
  kParamRng,       // the per-neuron random stream buffer
  kParamReturned,  // i64 cell: the interpreter's `returned_`
  kParamSpiked,    // i64 cell: emit_spike() was called
  kParamTime,      // double: time() in this step
  kParamDepth,     // i32: user-function nesting depth of the body
  kNumContextParams
};

/// The whole module: the model, the declarations of support routines and
/// library functions, the user functions, the first error met.
class ModuleContext {
public:
  ModuleContext(const ir::Model &model, double dtMs, llvm::Module &module);

  const ir::Model &model;
  double dtMs;
  llvm::Module &module;
  llvm::LLVMContext &ctx;
  std::vector<UserFunction> functions; // by ir function index (fn null when unreachable)

  /// Records the first error; generation goes on but its result is dropped.
  void fail(const std::string &message);
  bool failed() const { return !error_.empty(); }
  const std::string &error() const { return error_; }

  llvm::Type *f64() const;
  llvm::Type *i64() const;
  llvm::Type *i32() const;
  llvm::Type *i1() const;
  llvm::Type *ptr() const;
  /// The SSA type of a value of this kind (double, i64, i1).
  llvm::Type *valueType(ir::TypeKind k);
  /// The 8-byte cell type of this kind (double, i64, i64).
  llvm::Type *cellType(ir::TypeKind k);

  /// A support routine of StepABI.h by name (declared on first use).
  llvm::FunctionCallee runtime(const char *name);
  /// A C library function `double name(double...)` with n arguments.
  llvm::FunctionCallee libm(const char *name, unsigned n);
  /// `i64 llround(double)`.
  llvm::FunctionCallee llround();
  /// The internal integer power helper (the interpreter's loop, R: r < 0 -> 0).
  llvm::Function *integerPow();
  /// A constant C string (one global per distinct text).
  llvm::Constant *string(const std::string &text);

private:
  std::string error_;
  llvm::Function *ipow_ = nullptr;
  std::map<std::string, llvm::Constant *> strings_;
};

/// Declares and emits every reachable user function into mc.functions.
void emitUserFunctions(ModuleContext &mc, const FunctionUses &uses);

/// Emits IR statements and expressions into one LLVM function (the
/// per-neuron loop body or a user function).
class BodyEmitter {
public:
  BodyEmitter(ModuleContext &mc, llvm::Function *fn);

  ModuleContext &mc;
  llvm::Function *fn;
  llvm::IRBuilder<> b;

  /// Storage per variable (indexed by VarId) and per port; null where this
  /// function has none.
  std::vector<llvm::Value *> varPtr;
  std::vector<llvm::Value *> portPtr;
  // Context (see UserFunctionParam).
  llvm::Value *rt = nullptr, *rng = nullptr, *returned = nullptr, *spiked = nullptr;
  llvm::Value *timeMs = nullptr, *depth = nullptr;
  /// Synapse code: where the first emit_spike(w, d) of a call stores its
  /// arguments as doubles (nsc_synapse_args::emit); null elsewhere, where
  /// emit_spike with arguments cannot be compiled.
  llvm::Value *emitArgs = nullptr;
  /// Where a fatal error (runaway loop, recursion) goes.
  llvm::BasicBlock *fatalBlock = nullptr;
  /// Where `return` goes (a function's epilogue; the end of a top-level block).
  llvm::BasicBlock *returnBlock = nullptr;

  // Expressions (ExprCodegen.cpp).
  /// e's value in the SSA type of e.type.kind (ModelExecutor::eval).
  llvm::Value *expr(const ir::Expr &e);
  /// e's value as a double (ModelExecutor::evalReal).
  llvm::Value *realValue(const ir::Expr &e);
  /// e's value as stored into a variable of type `to` (ModelExecutor::evalAs).
  llvm::Value *valueAs(const ir::Expr &e, const ir::Type &to);
  /// A condition (Bool expression) as i1.
  llvm::Value *condition(const ir::Expr &e);
  /// Rounds a double to the precision of t (float32: fptrunc + fpext).
  llvm::Value *round(llvm::Value *v, const ir::Type &t);
  /// The interpreter's Value union read as another kind: raw bits, except
  /// that a Bool reads the low byte.
  llvm::Value *reinterpret(llvm::Value *v, ir::TypeKind from, ir::TypeKind to);
  /// int64_t(x) as x86-64 computes it (cvttsd2si: INT64_MIN when out of range or NaN).
  llvm::Value *doubleToInt(llvm::Value *x);
  /// The element index of a vector variable or port, clamped with a warning
  /// like ModelExecutor::elementIndex; constant 0 without an index.
  llvm::Value *elementIndex(const ir::Expr *index, uint32_t size);
  /// The storage cell of element `index` (may be null) of variable v.
  llvm::Value *varCell(ir::VarId v, const ir::Expr *index);
  llvm::Value *varCellAt(ir::VarId v, llvm::Value *element);
  llvm::Value *loadCell(llvm::Value *cell, ir::TypeKind k);
  void storeCell(llvm::Value *cell, llvm::Value *v, ir::TypeKind k);
  /// True when e can be evaluated unconditionally: no calls with effects,
  /// warnings or cost, so `c ? a : b` and `a and b` may become selects.
  bool speculatable(const ir::Expr &e) const;

  // Statements (StmtCodegen.cpp).
  void block(const ir::Block &blk);
  void stmt(const ir::Stmt &s);

  // Helpers.
  llvm::BasicBlock *newBlock(const char *name);
  /// An alloca in the function's entry block.
  llvm::AllocaInst *entryAlloca(llvm::Type *t, const char *name);
  /// After a terminator: continue in a fresh (unreachable) block.
  void continueInDeadBlock();
  /// Emits a call to a user function and returns its value (kind of its return type).
  llvm::Value *callUser(const ir::Call &c);
  llvm::Value *callBuiltin(const ir::Call &c);
  /// A libm call marked nobuiltin (no folding or replacement by LLVM).
  llvm::Value *callLibm(const char *name, llvm::ArrayRef<llvm::Value *> args);
  /// A call to one of nsc's vector math functions (nsc_vm_*).
  llvm::Value *callVectorMath(const char *name, llvm::ArrayRef<llvm::Value *> args);
  llvm::Value *fail(const std::string &message, ir::TypeKind k);

  // Fixed point (FixedCodegen.cpp): values are raw i64 integers (R28-R31,
  // nsc/ir/FixedPoint.h, the interpreter's FixedEval.cpp step for step).
  static bool isFixed(const ir::Type &t);
  /// e (of a fixed type) as its raw i64.
  llvm::Value *fixedExpr(const ir::Expr &e);
  /// e of any numeric kind as a raw i64 in format p (what an assignment stores).
  llvm::Value *fixedOperand(const ir::Expr &e, const ir::Precision &p);
  /// Rounds an exact i128 with `fromFrac` fraction bits to p, then p's overflow.
  llvm::Value *fixedFit(llvm::Value *v128, int fromFrac, const ir::Precision &p);
  llvm::Value *fixedToDouble(llvm::Value *raw, const ir::Precision &p);
  llvm::Value *fixedFromDouble(llvm::Value *x, const ir::Precision &p, bool constant);
  /// An exact comparison of two fixed operands (i1), or null when e is not one.
  llvm::Value *fixedCompare(const ir::Binary &e);

private:
  // fixedExpr by expression kind; P is the result's format.
  llvm::Value *fixedWide(const ir::Expr &e); // fixedExpr sign-extended to i128
  /// raw in format `from` as format `to` (unchanged when they are equal).
  llvm::Value *fixedRescale(llvm::Value *raw, const ir::Precision &from, const ir::Precision &to);
  llvm::Value *fixedVarRef(const ir::VarRef &r, const ir::Precision &P);
  llvm::Value *fixedPortRef(const ir::PortRef &p, const ir::Precision &P);
  llvm::Value *fixedBinary(const ir::Binary &bin, const ir::Precision &P);
  llvm::Value *fixedPow(const ir::Binary &bin, const ir::Precision &P);
  llvm::Value *fixedSelect(const ir::Select &s, const ir::Precision &P);
  llvm::Value *fixedUnitConvert(const ir::UnitConvert &c, const ir::Precision &P);
  llvm::Value *fixedCall(const ir::Call &c, const ir::Precision &P);
  llvm::Value *fixedMinMax(const ir::Call &c, const ir::Precision &P);
  llvm::Value *fixedClip(const ir::Call &c, const ir::Precision &P);
  llvm::Value *fixedRandom(const ir::Call &c, const ir::Precision &P);

  llvm::Value *binary(const ir::Binary &e);
  llvm::Value *integerBinary(ir::BinaryOp op, llvm::Value *l, llvm::Value *r);
  llvm::Value *shortCircuit(const ir::Binary &e);
  llvm::Value *select(const ir::Select &e);
  llvm::Value *cast(const ir::Cast &e);
  llvm::Value *message(const ir::Call &c);
  void forLoop(const ir::For &f);
  void whileLoop(const ir::While &w);
  /// Counts one loop iteration in `guard`; past 10^8 calls nsc_rt_fatal(code).
  void loopGuard(llvm::Value *guard, uint32_t code);
};

} // namespace nsc::cpu::detail
