//===- CommonSubexpressions.cpp - Compute repeated expressions once -------===//
//
// One round walks every statement sequence in order, keeping the set of
// expressions available at the current statement (each with the variables
// it reads), and groups the repeated occurrences of each. Then the groups
// are materialized largest first; a group that overlaps one materialized in
// the same round waits for the next round, which sees the new locals (so
// `(a*b + c)` and `a*b` repeated both end up computed once). Rounds repeat
// until nothing changes.
//
//===----------------------------------------------------------------------===//
#include "nsc/passes/CommonSubexpressions.h"

#include "nsc/ir/IRWalk.h"

#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace nsc::passes {

using namespace ir;

namespace {

bool sameType(const Type &a, const Type &b) {
  if (a.kind != b.kind)
    return false;
  if (a.isNumeric() && !a.unit.sameAs(b.unit))
    return false;
  return a.kind != TypeKind::Real || a.precision == b.precision;
}

uint64_t bits(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

/// Structurally identical: same operations, operand order, constants (bit
/// for bit: -0.0 is not 0.0) and types.
bool identical(const Expr &a, const Expr &b) {
  if (a.kind != b.kind || !sameType(a.type, b.type))
    return false;
  switch (a.kind) {
  case ExprKind::Constant: {
    auto *x = cast<Constant>(&a), *y = cast<Constant>(&b);
    if (bits(x->real) != bits(y->real) || x->integer != y->integer || x->boolean != y->boolean ||
        x->str != y->str)
      return false;
    break;
  }
  case ExprKind::VarRef:
    if (cast<VarRef>(&a)->var != cast<VarRef>(&b)->var ||
        !cast<VarRef>(&a)->index != !cast<VarRef>(&b)->index)
      return false;
    break;
  case ExprKind::PortRef:
    if (cast<PortRef>(&a)->port != cast<PortRef>(&b)->port ||
        !cast<PortRef>(&a)->index != !cast<PortRef>(&b)->index)
      return false;
    break;
  case ExprKind::Unary:
    if (cast<Unary>(&a)->op != cast<Unary>(&b)->op)
      return false;
    break;
  case ExprKind::Binary:
    if (cast<Binary>(&a)->op != cast<Binary>(&b)->op)
      return false;
    break;
  case ExprKind::Call: {
    auto *x = cast<Call>(&a), *y = cast<Call>(&b);
    if (x->builtin != y->builtin || x->function != y->function || x->args.size() != y->args.size())
      return false;
    break;
  }
  case ExprKind::UnitConvert:
    if (bits(cast<UnitConvert>(&a)->factor) != bits(cast<UnitConvert>(&b)->factor))
      return false;
    break;
  case ExprKind::Cast:
    if (cast<Cast>(&a)->castKind != cast<Cast>(&b)->castKind)
      return false;
    break;
  case ExprKind::Select:
    break;
  default:
    return false; // never candidates
  }
  std::vector<const Expr *> ca, cb;
  forEachChild(a, [&](const Expr &c) { ca.push_back(&c); });
  forEachChild(b, [&](const Expr &c) { cb.push_back(&c); });
  if (ca.size() != cb.size())
    return false;
  for (size_t i = 0; i < ca.size(); ++i)
    if (!identical(*ca[i], *cb[i]))
      return false;
  return true;
}

size_t mix(size_t h, uint64_t v) { return h ^ (v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2)); }

/// A node worth computing once: not a leaf, of a value type.
bool worthALocal(const Expr &e) {
  if (e.type.kind != TypeKind::Real && e.type.kind != TypeKind::Int &&
      e.type.kind != TypeKind::Bool)
    return false;
  switch (e.kind) {
  case ExprKind::Constant: return false;
  case ExprKind::VarRef: return cast<VarRef>(&e)->index != nullptr;
  case ExprKind::PortRef: return cast<PortRef>(&e)->index != nullptr;
  case ExprKind::Call: return !cast<Call>(&e)->args.empty();
  case ExprKind::Cast: {
    // A reinterpretation has no run-time cost; of a leaf it is a leaf.
    auto *c = cast<Cast>(&e);
    return c->castKind != CastKind::ReinterpretUnit || worthALocal(*c->operand);
  }
  default: return true;
  }
}

struct Occurrence {
  ExprPtr *slot;
  const Expr *node;
  size_t hash;
  unsigned size;
  bool conditional;
  std::vector<VarId> reads; // sorted, unique
};

struct Group {
  size_t id;
  Occurrence def;
  Block *block;
  Stmt *stmt;           // the def is evaluated by this statement of `block`
  VarId holder = kNoVar; // a local whose declaration computes the def
  std::vector<Occurrence> uses;
};

/// What a statement (with its nested blocks) may write.
struct Writes {
  std::set<VarId> vars;
  bool state = false;      // integrate_odes: every state variable
  bool everything = false; // a user function call or an unknown statement
};

bool callsUserFunction(Stmt &s) {
  bool found = false;
  forEachStmtExpr(s, [&](ExprPtr &slot) {
    forEachNode(*slot, [&](const Expr &n) {
      if (auto *c = dyn_cast<Call>(&n); c && c->builtin == Builtin::User)
        found = true;
    });
  });
  return found;
}

void collectWrites(Block &b, Writes &w) {
  for (StmtPtr &sp : b) {
    Stmt &s = *sp;
    if (callsUserFunction(s))
      w.everything = true;
    switch (s.kind) {
    case StmtKind::Assign: w.vars.insert(cast<Assign>(&s)->target); break;
    case StmtKind::LocalDecl: w.vars.insert(cast<LocalDecl>(&s)->var); break;
    case StmtKind::For: w.vars.insert(cast<For>(&s)->var); break;
    case StmtKind::IntegrateOdes: w.state = true; break;
    case StmtKind::If: case StmtKind::While: case StmtKind::Return: case StmtKind::EmitSpike:
    case StmtKind::CallStmt:
      break;
    default: w.everything = true; break;
    }
    for (Block *child : childBlocks(s))
      collectWrites(*child, w);
  }
}

class Eliminator {
public:
  explicit Eliminator(Model &m) : m_(m) {
    for (const Variable &v : m.variables)
      names_.insert(v.name);
  }

  /// One round over every block; true when something changed.
  bool round() {
    groups_.clear();
    std::vector<Block *> blocks{&m_.update};
    for (OnReceive &r : m_.onReceive)
      blocks.push_back(&r.body);
    for (OnCondition &c : m_.onCondition)
      blocks.push_back(&c.body);
    for (Function &f : m_.functions)
      blocks.push_back(&f.body);
    for (Block *b : blocks)
      processBlock(*b, {});
    return materialize();
  }

  unsigned merged = 0, replaced = 0;

private:
  using Available = std::vector<Group *>;

  /// Post-order walk of one tree: fills `out` with the candidate nodes and
  /// returns whether the subtree may be merged at all, its hash, size and
  /// the variables it reads.
  struct Info {
    bool ok = true;
    size_t hash = 0;
    unsigned size = 1;
    std::vector<VarId> reads;
  };

  Info walk(ExprPtr &slot, bool conditional, std::vector<Occurrence> &out) {
    Expr &e = *slot;
    Info info;
    info.hash = mix(static_cast<size_t>(e.kind), static_cast<uint64_t>(e.type.kind));
    auto child = [&](ExprPtr &c, bool cond) {
      Info ci = walk(c, cond, out);
      info.ok &= ci.ok;
      info.size += ci.size;
      info.hash = mix(info.hash, ci.hash);
      info.reads.insert(info.reads.end(), ci.reads.begin(), ci.reads.end());
    };
    switch (e.kind) {
    case ExprKind::Constant: {
      auto *c = cast<Constant>(&e);
      info.hash = mix(mix(info.hash, bits(c->real)), static_cast<uint64_t>(c->integer));
      break;
    }
    case ExprKind::VarRef: {
      auto *r = cast<VarRef>(&e);
      info.hash = mix(info.hash, r->var);
      info.reads.push_back(r->var);
      if (r->var >= m_.variables.size() || (m_.variables[r->var].vectorSize && !r->index))
        info.ok = false;
      if (r->index)
        child(r->index, conditional);
      break;
    }
    case ExprKind::PortRef: {
      auto *p = cast<PortRef>(&e);
      info.hash = mix(info.hash, p->port + 1000003u);
      if (p->port >= m_.ports.size() || (m_.ports[p->port].vectorSize && !p->index))
        info.ok = false;
      if (p->index)
        child(p->index, conditional);
      break;
    }
    case ExprKind::Select: {
      auto *s = cast<Select>(&e);
      child(s->cond, conditional);
      child(s->thenExpr, true);
      child(s->elseExpr, true);
      break;
    }
    case ExprKind::Binary: {
      auto *b = cast<Binary>(&e);
      info.hash = mix(info.hash, static_cast<uint64_t>(b->op));
      bool shortCircuit = b->op == BinaryOp::And || b->op == BinaryOp::Or;
      child(b->lhs, conditional);
      child(b->rhs, conditional || shortCircuit);
      break;
    }
    case ExprKind::Call: {
      auto *c = cast<Call>(&e);
      info.hash = mix(mix(info.hash, static_cast<uint64_t>(c->builtin)), c->function);
      // Convolutions and deltas read hidden kernel state; the kernel pass
      // must find them as written.
      if (!isPure(e) || c->builtin == Builtin::Convolve || c->builtin == Builtin::Delta)
        info.ok = false;
      for (ExprPtr &a : c->args)
        if (a)
          child(a, conditional);
      break;
    }
    case ExprKind::Unary:
      info.hash = mix(info.hash, static_cast<uint64_t>(cast<Unary>(&e)->op));
      child(cast<Unary>(&e)->operand, conditional);
      break;
    case ExprKind::UnitConvert:
      info.hash = mix(info.hash, bits(cast<UnitConvert>(&e)->factor));
      child(cast<UnitConvert>(&e)->operand, conditional);
      break;
    case ExprKind::Cast:
      info.hash = mix(info.hash, static_cast<uint64_t>(cast<Cast>(&e)->castKind));
      child(cast<Cast>(&e)->operand, conditional);
      break;
    default:
      // Derivatives and inline references read what their definitions
      // read; kernels and lists are not values of statements.
      info.ok = false;
      forEachChild(e, [&](ExprPtr &c) { child(c, conditional); });
      break;
    }
    std::sort(info.reads.begin(), info.reads.end());
    info.reads.erase(std::unique(info.reads.begin(), info.reads.end()), info.reads.end());
    if (info.ok && worthALocal(e))
      out.push_back({&slot, &e, info.hash, info.size, conditional, info.reads});
    return info;
  }

  Group *lookup(const Available &avail, const Occurrence &o) {
    for (Group *g : avail)
      if (g->def.hash == o.hash && g->def.size == o.size && identical(*g->def.node, *o.node))
        return g;
    return nullptr;
  }

  /// Records the expressions statement `s` of `b` evaluates, before it
  /// writes anything. `holder` is set for a local declaration.
  void record(Block &b, Stmt &s, Available &avail, const std::vector<ExprPtr *> &slots,
              LocalDecl *decl = nullptr) {
    std::vector<Occurrence> occs;
    for (ExprPtr *slot : slots)
      if (*slot)
        walk(*slot, false, occs);
    std::vector<Occurrence *> deferred;
    for (Occurrence &o : occs) {
      if (Group *g = lookup(avail, o)) {
        g->uses.push_back(o);
        continue;
      }
      if (o.conditional) {
        deferred.push_back(&o);
        continue;
      }
      auto g = std::make_unique<Group>();
      g->id = groups_.size();
      g->def = o;
      g->block = &b;
      g->stmt = &s;
      if (decl && o.slot == &decl->init && decl->var < m_.variables.size()) {
        const Variable &v = m_.variables[decl->var];
        if (v.vectorSize == 0 && sameType(v.type, o.node->type))
          g->holder = decl->var;
      }
      avail.push_back(g.get());
      groups_.push_back(std::move(g));
    }
    // Nothing a statement evaluates is written before the statement ends,
    // so a conditional occurrence may use a value first computed later in
    // the same statement.
    for (Occurrence *o : deferred)
      if (Group *g = lookup(avail, *o))
        g->uses.push_back(*o);
  }

  void kill(Available &avail, const Writes &w) {
    if (w.everything) {
      avail.clear();
      return;
    }
    avail.erase(std::remove_if(avail.begin(), avail.end(),
                               [&](Group *g) {
                                 if (g->holder != kNoVar && w.vars.count(g->holder))
                                   return true;
                                 for (VarId v : g->def.reads)
                                   if (w.vars.count(v) ||
                                       (w.state && v < m_.variables.size() &&
                                        m_.variables[v].role == VarRole::State))
                                     return true;
                                 return false;
                               }),
                avail.end());
  }

  void kill(Available &avail, VarId v) {
    Writes w;
    w.vars.insert(v);
    kill(avail, w);
  }

  void processBlock(Block &b, Available avail) {
    for (StmtPtr &sp : b) {
      Stmt &s = *sp;
      if (callsUserFunction(s)) {
        // A function may write any state variable, in the middle of the
        // statement: nothing is merged across or within it.
        avail.clear();
        for (Block *child : childBlocks(s))
          processBlock(*child, {});
        continue;
      }
      switch (s.kind) {
      case StmtKind::Assign: {
        auto *a = cast<Assign>(&s);
        record(b, s, avail, {&a->index, &a->value});
        kill(avail, a->target);
        break;
      }
      case StmtKind::LocalDecl: {
        auto *d = cast<LocalDecl>(&s);
        kill(avail, d->var); // a declaration in a loop body runs again
        record(b, s, avail, {&d->init}, d);
        break;
      }
      case StmtKind::Return:
        record(b, s, avail, {&cast<Return>(&s)->value});
        break;
      case StmtKind::EmitSpike: {
        std::vector<ExprPtr *> slots;
        for (ExprPtr &a : cast<EmitSpike>(&s)->args)
          slots.push_back(&a);
        record(b, s, avail, slots);
        break;
      }
      case StmtKind::CallStmt: {
        auto *c = dyn_cast<Call>(cast<CallStmt>(&s)->call.get());
        std::vector<ExprPtr *> slots;
        if (c)
          for (ExprPtr &a : c->args)
            slots.push_back(&a);
        record(b, s, avail, slots);
        break;
      }
      case StmtKind::If: {
        auto *i = cast<If>(&s);
        record(b, s, avail, {&i->cond});
        processBlock(i->thenBody, avail);
        processBlock(i->elseBody, avail);
        Writes w;
        collectWrites(i->thenBody, w);
        collectWrites(i->elseBody, w);
        kill(avail, w);
        break;
      }
      case StmtKind::For:
      case StmtKind::While: {
        // The body runs repeatedly: only values whose inputs it never
        // writes stay available inside it. Bounds and `while` conditions
        // are evaluated by the loop machinery and left alone.
        Writes w;
        for (Block *child : childBlocks(s))
          collectWrites(*child, w);
        if (auto *f = dyn_cast<For>(&s))
          w.vars.insert(f->var);
        kill(avail, w);
        for (Block *child : childBlocks(s))
          processBlock(*child, avail);
        break;
      }
      case StmtKind::IntegrateOdes: {
        Writes w;
        w.state = true;
        kill(avail, w);
        break;
      }
      default:
        avail.clear();
        for (Block *child : childBlocks(s))
          processBlock(*child, {});
        break;
      }
    }
  }

  std::string freshName() {
    std::string name;
    do
      name = "cse" + std::to_string(counter_++);
    while (names_.count(name));
    names_.insert(name);
    return name;
  }

  bool materialize() {
    std::vector<Group *> order;
    for (auto &g : groups_)
      if (!g->uses.empty())
        order.push_back(g.get());
    std::stable_sort(order.begin(), order.end(),
                     [](Group *a, Group *b) { return a->def.size > b->def.size; });
    std::unordered_set<const Expr *> dead;
    std::vector<ExprPtr> graveyard; // keeps replaced nodes' addresses unique this round
    auto markDead = [&](const Expr &root) {
      forEachNode(root, [&](const Expr &n) { dead.insert(&n); });
    };
    struct Insertion {
      size_t id;
      Block *block;
      Stmt *before;
      StmtPtr decl;
    };
    std::vector<Insertion> inserts;
    bool changed = false;
    for (Group *g : order) {
      bool overlaps = dead.count(g->def.node);
      for (const Occurrence &u : g->uses)
        overlaps |= dead.count(u.node) > 0;
      if (overlaps)
        continue;
      Type type = g->def.node->type;
      VarId var = g->holder;
      if (var == kNoVar) {
        Variable v;
        v.id = static_cast<VarId>(m_.variables.size());
        v.name = freshName();
        v.role = VarRole::Local;
        v.type = type;
        v.loc = g->def.node->loc;
        m_.variables.push_back(std::move(v));
        var = m_.variables.back().id;
      }
      for (const Occurrence &u : g->uses) {
        markDead(*u.node);
        auto ref = std::make_unique<VarRef>(type, var);
        ref->loc = u.node->loc;
        graveyard.push_back(std::move(*u.slot));
        *u.slot = std::move(ref);
        ++replaced;
      }
      if (g->holder == kNoVar) {
        // The first computation moves into the new declaration, so what is
        // nested in it waits for the next round.
        markDead(*g->def.node);
        auto decl = std::make_unique<LocalDecl>();
        decl->var = var;
        decl->loc = g->stmt->loc;
        decl->init = std::move(*g->def.slot);
        auto ref = std::make_unique<VarRef>(type, var);
        ref->loc = decl->init->loc;
        *g->def.slot = std::move(ref);
        inserts.push_back({g->id, g->block, g->stmt, std::move(decl)});
      }
      ++merged;
      changed = true;
    }
    // Declarations in the order their values were first computed.
    std::sort(inserts.begin(), inserts.end(),
              [](const Insertion &a, const Insertion &b) { return a.id < b.id; });
    for (Insertion &in : inserts) {
      auto it = std::find_if(in.block->begin(), in.block->end(),
                             [&](const StmtPtr &s) { return s.get() == in.before; });
      in.block->insert(it, std::move(in.decl));
    }
    return changed;
  }

  Model &m_;
  std::vector<std::unique_ptr<Group>> groups_;
  std::set<std::string> names_;
  unsigned counter_ = 0;
};

} // namespace

bool CommonSubexpressionsPass::run(Module &module, PassContext &ctx) {
  unsigned merged = 0, replaced = 0;
  for (auto &model : module.models) {
    Eliminator e(*model);
    // Each round replaces at least one repeated non-leaf tree by a local;
    // the bound only guards against a bug turning into a hang.
    for (unsigned round = 0; round < 1000 && e.round(); ++round) {
    }
    merged += e.merged;
    replaced += e.replaced;
  }
  ctx.changed(merged, "computed", merged == 1 ? "repeated expression once"
                                               : "repeated expressions once");
  ctx.changed(replaced, "replaced", replaced == 1 ? "recomputation" : "recomputations");
  return true;
}

} // namespace nsc::passes
