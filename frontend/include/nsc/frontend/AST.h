//===- AST.h - Abstract syntax tree of .nrn / .nestml files -----*- C++ -*-===//
//
// The parse tree is lowered once into these nodes (see Parser.h); everything
// after the parser works on the AST, never on ANTLR types. Every node owns its
// SourceRange. Sema annotates expressions in place (`type`, NameRef::target);
// lowering then produces the IR, which carries no syntax.
//
// Ownership: parents own children through unique_ptr. Node kinds are a closed
// set; use isa<>/dyn_cast<>/cast<> below (LLVM style, no C++ RTTI needed).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/SourceManager.h"
#include "nsc/ir/Type.h"

#include <memory>
#include <string>
#include <vector>

namespace nsc::ast {

enum class NodeKind {
  // Expressions
  NumberLit, BoolLit, StringLit, InfLit, NameRef, Unary, Binary, Ternary,
  Call, List,
  // Unit / type expressions (in declarations)
  TypeName, TypeNumber, TypeBinary, TypePow,
  // Statements
  VarDecl, Assign, ExprStmt, If, For, While, Return,
  // Model members
  DeclBlock, OdeEquation, KernelDecl, InlineDecl, EquationsBlock, InputPort,
  InputBlock, OutputBlock, UpdateBlock, OnReceiveBlock, OnConditionBlock,
  FunctionDecl, SemanticsBlock,
  // Top level
  Model, Population, Projection, Recorder, HardwareBlock, Network, Import, File,
};

struct Node {
  const NodeKind kind;
  SourceRange range;
  explicit Node(NodeKind k, SourceRange r = {}) : kind(k), range(r) {}
  virtual ~Node() = default;
  Node(const Node &) = delete;
  Node &operator=(const Node &) = delete;
};

template <class T> bool isa(const Node *n) { return n && T::classof(n); }
template <class T> T *dyn_cast(Node *n) { return isa<T>(n) ? static_cast<T *>(n) : nullptr; }
template <class T> const T *dyn_cast(const Node *n) {
  return isa<T>(n) ? static_cast<const T *>(n) : nullptr;
}
template <class T> T *cast(Node *n) { return static_cast<T *>(n); }
template <class T> const T *cast(const Node *n) { return static_cast<const T *>(n); }

#define NSC_AST_CLASSOF(K)                                                     \
  static constexpr NodeKind Kind = NodeKind::K;                                \
  static bool classof(const Node *n) { return n->kind == NodeKind::K; }

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

struct Expr : Node {
  using Node::Node;
  /// Filled by sema; Error until then.
  ir::Type type;
  static bool classof(const Node *n) {
    return n->kind >= NodeKind::NumberLit && n->kind <= NodeKind::List;
  }
};
using ExprPtr = std::unique_ptr<Expr>;

/// `10`, `2.5e-3`, `10 mV`, `10mV`: a number, optionally followed directly by
/// a unit name (NESTML's "simple expression" literal).
struct NumberLit : Expr {
  NSC_AST_CLASSOF(NumberLit)
  NumberLit() : Expr(NodeKind::NumberLit) {}
  double value = 0;
  bool isInteger = false;
  std::string text;          // as written, e.g. "1.5e3"
  std::string unitName;      // empty when no unit follows
  SourceRange unitRange;
};

struct BoolLit : Expr {
  NSC_AST_CLASSOF(BoolLit)
  BoolLit() : Expr(NodeKind::BoolLit) {}
  bool value = false;
};

struct StringLit : Expr {
  NSC_AST_CLASSOF(StringLit)
  StringLit() : Expr(NodeKind::StringLit) {}
  std::string value; // unescaped, without quotes
};

/// `inf` (dimensionless +infinity; `-inf * mV` is Unary/Binary around it).
struct InfLit : Expr {
  NSC_AST_CLASSOF(InfLit)
  InfLit() : Expr(NodeKind::InfLit) {}
};

/// A name in an expression: a variable, `V_m'` (derivative, order 1),
/// `spikes[i]` (vector element), a unit used as a value (`1/ms`), a port, a
/// kernel, an inline expression, or a setting value like `nearest_even` or
/// `Q8.8` in a semantics block.
struct NameRef : Expr {
  NSC_AST_CLASSOF(NameRef)
  NameRef() : Expr(NodeKind::NameRef) {}
  std::string name;
  unsigned diffOrder = 0;   // number of primes
  ExprPtr index;            // vector element, or null

  /// What the name resolved to; filled by sema.
  enum class Resolution { Unresolved, Variable, Unit, Port, Kernel, Inline, Predefined };
  Resolution resolution = Resolution::Unresolved;
  /// The declaring node (VarDecl, InputPort, KernelDecl, InlineDecl,
  /// FunctionDecl parameter's FunctionDecl...) and, for a VarDecl or
  /// KernelDecl with several names, which one.
  const Node *target = nullptr;
  unsigned targetIndex = 0;
};

enum class UnaryOp { Plus, Minus, BitNot, Not };

struct Unary : Expr {
  NSC_AST_CLASSOF(Unary)
  Unary() : Expr(NodeKind::Unary) {}
  UnaryOp op = UnaryOp::Plus;
  ExprPtr operand;
};

enum class BinaryOp {
  Pow, Mul, Div, Mod, Add, Sub, Shl, Shr, BitAnd, BitXor, BitOr,
  Lt, Le, Gt, Ge, Eq, Ne, And, Or,
};

/// Source spelling of an operator: "**", "<=", "and", ...
const char *spelling(BinaryOp op);

struct Binary : Expr {
  NSC_AST_CLASSOF(Binary)
  Binary() : Expr(NodeKind::Binary) {}
  BinaryOp op = BinaryOp::Add;
  SourceRange opRange;
  ExprPtr lhs, rhs;
};

/// `c ? a : b`
struct Ternary : Expr {
  NSC_AST_CLASSOF(Ternary)
  Ternary() : Expr(NodeKind::Ternary) {}
  ExprPtr cond, thenExpr, elseExpr;
};

/// `key = value` argument (calls in networks and semantics, e.g.
/// `fixed_probability(0.02, allow_autapses = false)`).
struct NamedArg {
  std::string name;
  SourceRange nameRange;
  ExprPtr value;
};

struct Call : Expr {
  NSC_AST_CLASSOF(Call)
  Call() : Expr(NodeKind::Call) {}
  std::string callee;
  SourceRange calleeRange;
  std::vector<ExprPtr> args;
  std::vector<NamedArg> namedArgs; // after the positional ones
  /// Filled by sema when the callee is a user function.
  const Node *target = nullptr;
};

/// `[1 ms, 5 ms, 7.5 ms]` (spike times and other lists in networks).
struct List : Expr {
  NSC_AST_CLASSOF(List)
  List() : Expr(NodeKind::List) {}
  std::vector<ExprPtr> elements;
};

//===----------------------------------------------------------------------===//
// Data types in declarations: real, integer, boolean, string, void, or a
// unit expression (mV, mV/ms, 1/ms, nS**2, (ms*mV)**-1).
//===----------------------------------------------------------------------===//

struct TypeExpr : Node {
  using Node::Node;
  static bool classof(const Node *n) {
    return n->kind >= NodeKind::TypeName && n->kind <= NodeKind::TypePow;
  }
};
using TypeExprPtr = std::unique_ptr<TypeExpr>;

/// `real`, `integer`, `boolean`, `string`, `void`, or a unit name `mV`.
struct TypeName : TypeExpr {
  NSC_AST_CLASSOF(TypeName)
  TypeName() : TypeExpr(NodeKind::TypeName) {}
  std::string name;
};

/// The `1` in `1/ms` (any number is kept so sema can reject e.g. `2/ms`).
struct TypeNumber : TypeExpr {
  NSC_AST_CLASSOF(TypeNumber)
  TypeNumber() : TypeExpr(NodeKind::TypeNumber) {}
  double value = 1;
};

struct TypeBinary : TypeExpr {
  NSC_AST_CLASSOF(TypeBinary)
  TypeBinary() : TypeExpr(NodeKind::TypeBinary) {}
  bool isDivide = false; // '*' otherwise
  TypeExprPtr lhs, rhs;
};

/// `base ** exponent`, exponent an integer (may be negative).
struct TypePow : TypeExpr {
  NSC_AST_CLASSOF(TypePow)
  TypePow() : TypeExpr(NodeKind::TypePow) {}
  TypeExprPtr base;
  int exponent = 1;
};

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

struct Stmt : Node {
  using Node::Node;
  static bool classof(const Node *n) {
    return n->kind >= NodeKind::VarDecl && n->kind <= NodeKind::Return;
  }
};
using StmtPtr = std::unique_ptr<Stmt>;
using Block = std::vector<StmtPtr>;

/// One declared name; `V_m[N]` declares a vector of N elements.
struct DeclaredName {
  std::string name;
  SourceRange range;
  ExprPtr vectorSize; // null for scalars
};

/// Where a VarDecl lives; decides what may assign to it.
enum class DeclContext { State, Parameter, Internal, Local, FunctionParam };

/// `[recordable] a, b mV = -70 mV [[a <= 0 mV]] @decorator`
struct VarDecl : Stmt {
  NSC_AST_CLASSOF(VarDecl)
  VarDecl() : Stmt(NodeKind::VarDecl) {}
  DeclContext context = DeclContext::Local;
  std::vector<DeclaredName> names;
  TypeExprPtr type;
  ExprPtr init;    // may be null
  ExprPtr guard;   // `[[ ... ]]`, may be null
  bool recordable = false;
  std::vector<std::string> decorators; // without '@', e.g. "homogeneous"
  /// Resolved declared type; filled by sema.
  ir::Type resolvedType;
};

enum class AssignOp { Set, Add, Sub, Mul, Div };

/// `V_m = ...`, `g_ex += w`, `x[i] -= 1`.
struct Assign : Stmt {
  NSC_AST_CLASSOF(Assign)
  Assign() : Stmt(NodeKind::Assign) {}
  std::unique_ptr<NameRef> target;
  AssignOp op = AssignOp::Set;
  SourceRange opRange;
  ExprPtr value;
};

/// A call used as a statement: `emit_spike()`, `integrate_odes()`.
struct ExprStmt : Stmt {
  NSC_AST_CLASSOF(ExprStmt)
  ExprStmt() : Stmt(NodeKind::ExprStmt) {}
  ExprPtr expr;
};

struct IfBranch {
  ExprPtr cond; // null for the final `else`
  SourceRange range;
  Block body;
};

struct If : Stmt {
  NSC_AST_CLASSOF(If)
  If() : Stmt(NodeKind::If) {}
  std::vector<IfBranch> branches; // if, elif..., optional else (cond == null)
};

/// `for i in a ... b step s:` (bounds inclusive, as in NESTML).
struct For : Stmt {
  NSC_AST_CLASSOF(For)
  For() : Stmt(NodeKind::For) {}
  std::string var;
  SourceRange varRange;
  ExprPtr from, to, step; // step may be null (= 1)
  Block body;
  /// The loop variable must be declared before the loop (NESTML rule);
  /// sema points this at its declaration.
  const VarDecl *varDecl = nullptr;
};

struct While : Stmt {
  NSC_AST_CLASSOF(While)
  While() : Stmt(NodeKind::While) {}
  ExprPtr cond;
  Block body;
};

struct Return : Stmt {
  NSC_AST_CLASSOF(Return)
  Return() : Stmt(NodeKind::Return) {}
  ExprPtr value; // may be null
};

//===----------------------------------------------------------------------===//
// Model members
//===----------------------------------------------------------------------===//

/// `state:`, `parameters:` or `internals:`.
struct DeclBlock : Node {
  NSC_AST_CLASSOF(DeclBlock)
  DeclBlock() : Node(NodeKind::DeclBlock) {}
  DeclContext context = DeclContext::State;
  std::vector<std::unique_ptr<VarDecl>> decls;
};

/// `x' = rhs`, `g'' = rhs` (lhs->diffOrder >= 1).
struct OdeEquation : Node {
  NSC_AST_CLASSOF(OdeEquation)
  OdeEquation() : Node(NodeKind::OdeEquation) {}
  std::unique_ptr<NameRef> lhs;
  ExprPtr rhs;
};

/// `kernel G = exp(-t/tau)` or, as an ODE, `kernel g' = -g/tau`; several
/// may be joined with commas.
struct KernelDecl : Node {
  NSC_AST_CLASSOF(KernelDecl)
  KernelDecl() : Node(NodeKind::KernelDecl) {}
  struct Part {
    std::unique_ptr<NameRef> lhs; // diffOrder > 0 for the ODE form
    ExprPtr rhs;
  };
  std::vector<Part> parts;
};

/// `[recordable] inline I_syn pA = convolve(G, spikes) * pA`
struct InlineDecl : Node {
  NSC_AST_CLASSOF(InlineDecl)
  InlineDecl() : Node(NodeKind::InlineDecl) {}
  std::string name;
  SourceRange nameRange;
  TypeExprPtr type;
  ExprPtr rhs;
  bool recordable = false;
  ir::Type resolvedType; // sema
};

struct EquationsBlock : Node {
  NSC_AST_CLASSOF(EquationsBlock)
  EquationsBlock() : Node(NodeKind::EquationsBlock) {}
  std::vector<std::unique_ptr<Node>> items; // OdeEquation, KernelDecl, InlineDecl
};

/// `spikes_exc <- excitatory spike`, `spikes[2] <- spike`,
/// `I_stim pA <- continuous`.
struct InputPort : Node {
  NSC_AST_CLASSOF(InputPort)
  InputPort() : Node(NodeKind::InputPort) {}
  std::string name;
  SourceRange nameRange;
  ExprPtr vectorSize;             // null for scalar ports
  TypeExprPtr type;               // unit of a continuous port (or spike weight unit); may be null
  bool isSpike = true;
  bool excitatory = false, inhibitory = false;
  ir::Type resolvedType; // sema
};

struct InputBlock : Node {
  NSC_AST_CLASSOF(InputBlock)
  InputBlock() : Node(NodeKind::InputBlock) {}
  std::vector<std::unique_ptr<InputPort>> ports;
};

/// `output: spike`
struct OutputBlock : Node {
  NSC_AST_CLASSOF(OutputBlock)
  OutputBlock() : Node(NodeKind::OutputBlock) {}
  bool spike = true; // `continuous` otherwise
};

struct UpdateBlock : Node {
  NSC_AST_CLASSOF(UpdateBlock)
  UpdateBlock() : Node(NodeKind::UpdateBlock) {}
  Block body;
};

/// `onReceive(port, priority = N):`
struct OnReceiveBlock : Node {
  NSC_AST_CLASSOF(OnReceiveBlock)
  OnReceiveBlock() : Node(NodeKind::OnReceiveBlock) {}
  std::string port;
  SourceRange portRange;
  ExprPtr priority; // may be null
  Block body;
  const InputPort *portDecl = nullptr; // sema
};

struct OnConditionBlock : Node {
  NSC_AST_CLASSOF(OnConditionBlock)
  OnConditionBlock() : Node(NodeKind::OnConditionBlock) {}
  ExprPtr cond;
  Block body;
};

/// `function name(a mV, b real) mV:`
struct FunctionDecl : Node {
  NSC_AST_CLASSOF(FunctionDecl)
  FunctionDecl() : Node(NodeKind::FunctionDecl) {}
  std::string name;
  SourceRange nameRange;
  std::vector<std::unique_ptr<VarDecl>> params; // context FunctionParam, one name each
  TypeExprPtr returnType; // null means void
  Block body;
  ir::Type resolvedReturnType; // sema
};

/// A `key = value` line in a `semantics:` block.
struct Setting {
  std::string key;
  SourceRange keyRange;
  ExprPtr value;
};

/// `semantics:` at file, network, model level, or `semantics for a, b:`
/// inside a network (then `populations` names them).
struct SemanticsBlock : Node {
  NSC_AST_CLASSOF(SemanticsBlock)
  SemanticsBlock() : Node(NodeKind::SemanticsBlock) {}
  std::vector<Setting> settings;
  std::vector<std::string> populations;
  std::vector<SourceRange> populationRanges;
};

/// `model NAME:` (also `neuron NAME:` / `synapse NAME:` of older NESTML).
struct Model : Node {
  NSC_AST_CLASSOF(Model)
  Model() : Node(NodeKind::Model) {}
  enum class Keyword { Model, Neuron, Synapse };
  Keyword keyword = Keyword::Model;
  std::string name;
  SourceRange nameRange;
  std::string docstring; // the comment block before `model`, comment marks stripped
  /// Members in source order: DeclBlock, EquationsBlock, InputBlock,
  /// OutputBlock, UpdateBlock, OnReceiveBlock, OnConditionBlock,
  /// FunctionDecl, SemanticsBlock.
  std::vector<std::unique_ptr<Node>> members;
};

//===----------------------------------------------------------------------===//
// Networks (nsc extension)
//===----------------------------------------------------------------------===//

/// `exc`, `exc[0:800]` (half-open), `exc[5]`.
struct PopulationRef {
  std::string name;
  SourceRange range;
  ExprPtr begin, end; // both null = whole population; end null = single index
  bool isSlice = false; // `[a:b]` as opposed to `[a]`
};

/// `exc = iaf_psc_exp[3200](V_m = uniform(-60 mV, -50 mV))` and sources
/// such as `noise = poisson_generator[100](rate = 5 Hz)`.
struct Population : Node {
  NSC_AST_CLASSOF(Population)
  Population() : Node(NodeKind::Population) {}
  std::string name;
  SourceRange nameRange;
  std::string model;
  SourceRange modelRange;
  ExprPtr size; // null = 1
  std::vector<NamedArg> inits; // initial values / parameters per population
  const Model *modelDecl = nullptr; // sema (null for built-in sources)
};

/// `connect exc -> inh: fixed_probability(0.02), weight = 1.62 mV,
///  delay = 0.1 ms, port = exc_spikes, synapse = stdp_synapse(...)`
struct Projection : Node {
  NSC_AST_CLASSOF(Projection)
  Projection() : Node(NodeKind::Projection) {}
  std::string name; // optional `connect NAME: src -> dst` ... empty if none
  PopulationRef source, target;
  std::unique_ptr<Call> rule; // all_to_all, one_to_one, fixed_probability(p), ...
  std::vector<NamedArg> settings; // weight, delay, port, synapse, ...
};

/// `record spikes from exc[0:100]`, `record V_m, I_syn from exc[0:10] every 1 ms`
struct Recorder : Node {
  NSC_AST_CLASSOF(Recorder)
  Recorder() : Node(NodeKind::Recorder) {}
  std::vector<std::string> what; // "spikes" or variable names
  std::vector<SourceRange> whatRanges;
  PopulationRef target;
  ExprPtr interval; // null = every step
  std::string label; // `as NAME`, optional
  /// Sema: `target` names a projection (`connect ee: ...`), not a
  /// population; `what` are synapse-model variables.
  bool synapses = false;
};

/// `homeostasis for exc:` / `aer for exc:` / `detector for mea:` with
/// `key = value` settings (docs/verilog.md): hardware of the Verilog target
/// (the network runtime also models the homeostatic threshold rule).
struct HardwareBlock : Node {
  NSC_AST_CLASSOF(HardwareBlock)
  HardwareBlock() : Node(NodeKind::HardwareBlock) {}
  enum class BlockKind { Homeostasis, Aer, Detector };
  BlockKind blockKind = BlockKind::Homeostasis;
  SourceRange kindRange;
  std::vector<std::string> populations;
  std::vector<SourceRange> populationRanges;
  std::vector<Setting> settings;
};

struct Network : Node {
  NSC_AST_CLASSOF(Network)
  Network() : Node(NodeKind::Network) {}
  std::string name;
  SourceRange nameRange;
  std::string docstring;
  /// Population, Projection, Recorder, SemanticsBlock, HardwareBlock in
  /// source order.
  std::vector<std::unique_ptr<Node>> members;
};

/// `import "models/iaf_psc_exp.nrn"` or `import iaf_psc_exp` (found as
/// iaf_psc_exp.nrn / .nestml next to the importing file or on the -I path).
struct Import : Node {
  NSC_AST_CLASSOF(Import)
  Import() : Node(NodeKind::Import) {}
  std::string path;  // set for the string form
  std::string name;  // set for the name form
};

struct File : Node {
  NSC_AST_CLASSOF(File)
  File() : Node(NodeKind::File) {}
  FileId file = kNoFile;
  /// A NESTML file (.nestml): its models start from NESTML's defaults
  /// (docs/solvers.md, "nsc and NESTML defaults").
  bool nestml = false;
  std::vector<std::unique_ptr<Import>> imports;
  std::unique_ptr<SemanticsBlock> semantics; // file-level, may be null
  std::vector<std::unique_ptr<Model>> models;
  std::vector<std::unique_ptr<Network>> networks;
};

/// Every file of one compilation, imports first (the driver orders them).
struct Program {
  std::vector<std::unique_ptr<File>> files;
  /// The -I path, for sema's "add `import NAME`" hint on an unknown model.
  std::vector<std::string> importDirs;
};

#undef NSC_AST_CLASSOF

} // namespace nsc::ast
