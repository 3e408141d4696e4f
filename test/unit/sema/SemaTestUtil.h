//===- SemaTestUtil.h - Fixture for sema unit tests -------------*- C++ -*-===//
#pragma once

#include "nsc/frontend/AST.h"
#include "nsc/support/Diagnostics.h"
#include "nsc/frontend/Parser.h"
#include "nsc/frontend/Sema.h"
#include "nsc/support/SourceManager.h"

#include <gtest/gtest.h>

#include <fstream>
#include <functional>
#include <sstream>

namespace nsc::test {

class SemaTest : public ::testing::Test {
protected:
  SourceManager sm;
  DiagnosticEngine diags{sm};
  ast::Program program;
  bool ok = false;

  /// Parses `src` as one more file; returns false (and fails) on syntax errors.
  bool addFile(const std::string &src, const std::string &path = "test.nrn") {
    FileId id = sm.addBuffer(path, src);
    auto f = parseFile(sm, diags, id);
    if (!f) {
      ADD_FAILURE() << "syntax errors:\n" << dump();
      return false;
    }
    program.files.push_back(std::move(f));
    return true;
  }

  /// Parses and analyses; returns analyzeProgram's result.
  bool analyze(const std::string &src) {
    if (!addFile(src))
      return false;
    ok = analyzeProgram(program, diags);
    return ok;
  }

  bool analyzeAll() {
    ok = analyzeProgram(program, diags);
    return ok;
  }

  std::string dump() const {
    std::string out;
    for (const Diagnostic &d : diags.diagnostics())
      out += diags.format(d);
    return out;
  }

  /// The diagnostic of `sev` whose message contains `text`, or null.
  const Diagnostic *find(Severity sev, const std::string &text) const {
    for (const Diagnostic &d : diags.diagnostics())
      if (d.severity == sev && d.message.find(text) != std::string::npos)
        return &d;
    return nullptr;
  }

  /// Expects an error containing `text` at line:col.
  void expectError(const std::string &text, unsigned line, unsigned col) const {
    expectDiag(Severity::Error, text, line, col);
  }
  void expectWarning(const std::string &text, unsigned line, unsigned col) const {
    expectDiag(Severity::Warning, text, line, col);
  }
  void expectDiag(Severity sev, const std::string &text, unsigned line, unsigned col) const {
    const Diagnostic *d = find(sev, text);
    ASSERT_NE(d, nullptr) << "missing diagnostic '" << text << "'; got:\n" << dump();
    EXPECT_EQ(d->range.begin.line, line) << dump();
    EXPECT_EQ(d->range.begin.col, col) << dump();
  }
  bool hasNote(const std::string &text) const {
    for (const Diagnostic &d : diags.diagnostics())
      for (const Diagnostic &n : d.notes)
        if (n.message.find(text) != std::string::npos)
          return true;
    return false;
  }

  ast::Model &model(size_t i = 0) { return *program.files.back()->models.at(i); }
};

/// Reads a file of the source tree (examples).
inline std::string readSourceFile(const std::string &rel) {
  std::ifstream in(std::string(NSC_SOURCE_DIR) + "/" + rel);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// --- AST walking for annotation checks ---------------------------------------

inline void forEachExpr(ast::Expr *e, const std::function<void(ast::Expr *)> &fn) {
  using namespace ast;
  if (!e)
    return;
  fn(e);
  if (auto *n = dyn_cast<NameRef>(e))
    forEachExpr(n->index.get(), fn);
  else if (auto *u = dyn_cast<Unary>(e))
    forEachExpr(u->operand.get(), fn);
  else if (auto *b = dyn_cast<Binary>(e)) {
    forEachExpr(b->lhs.get(), fn);
    forEachExpr(b->rhs.get(), fn);
  } else if (auto *t = dyn_cast<Ternary>(e)) {
    forEachExpr(t->cond.get(), fn);
    forEachExpr(t->thenExpr.get(), fn);
    forEachExpr(t->elseExpr.get(), fn);
  } else if (auto *c = dyn_cast<Call>(e)) {
    for (auto &a : c->args)
      forEachExpr(a.get(), fn);
    for (auto &a : c->namedArgs)
      forEachExpr(a.value.get(), fn);
  } else if (auto *l = dyn_cast<List>(e)) {
    for (auto &a : l->elements)
      forEachExpr(a.get(), fn);
  }
}

inline void forEachExprInBlock(ast::Block &b, const std::function<void(ast::Expr *)> &fn);

inline void forEachExprInStmt(ast::Stmt *s, const std::function<void(ast::Expr *)> &fn) {
  using namespace ast;
  if (auto *d = dyn_cast<VarDecl>(s)) {
    forEachExpr(d->init.get(), fn);
    forEachExpr(d->guard.get(), fn);
  } else if (auto *a = dyn_cast<Assign>(s)) {
    forEachExpr(a->target.get(), fn);
    forEachExpr(a->value.get(), fn);
  } else if (auto *e = dyn_cast<ExprStmt>(s)) {
    forEachExpr(e->expr.get(), fn);
  } else if (auto *i = dyn_cast<If>(s)) {
    for (auto &br : i->branches) {
      forEachExpr(br.cond.get(), fn);
      forEachExprInBlock(br.body, fn);
    }
  } else if (auto *f = dyn_cast<For>(s)) {
    forEachExpr(f->from.get(), fn);
    forEachExpr(f->to.get(), fn);
    forEachExpr(f->step.get(), fn);
    forEachExprInBlock(f->body, fn);
  } else if (auto *w = dyn_cast<While>(s)) {
    forEachExpr(w->cond.get(), fn);
    forEachExprInBlock(w->body, fn);
  } else if (auto *r = dyn_cast<Return>(s)) {
    forEachExpr(r->value.get(), fn);
  }
}

inline void forEachExprInBlock(ast::Block &b, const std::function<void(ast::Expr *)> &fn) {
  for (auto &s : b)
    forEachExprInStmt(s.get(), fn);
}

/// Every expression of a model (declarations, equations, blocks).
inline void forEachExprInModel(ast::Model &m, const std::function<void(ast::Expr *)> &fn) {
  using namespace ast;
  for (auto &mem : m.members) {
    Node *n = mem.get();
    if (auto *b = dyn_cast<DeclBlock>(n)) {
      for (auto &d : b->decls)
        forEachExprInStmt(d.get(), fn);
    } else if (auto *eq = dyn_cast<EquationsBlock>(n)) {
      for (auto &item : eq->items) {
        if (auto *o = dyn_cast<OdeEquation>(item.get())) {
          forEachExpr(o->lhs.get(), fn);
          forEachExpr(o->rhs.get(), fn);
        } else if (auto *k = dyn_cast<KernelDecl>(item.get())) {
          for (auto &p : k->parts) {
            forEachExpr(p.lhs.get(), fn);
            forEachExpr(p.rhs.get(), fn);
          }
        } else if (auto *in = dyn_cast<InlineDecl>(item.get())) {
          forEachExpr(in->rhs.get(), fn);
        }
      }
    } else if (auto *u = dyn_cast<UpdateBlock>(n)) {
      forEachExprInBlock(u->body, fn);
    } else if (auto *r = dyn_cast<OnReceiveBlock>(n)) {
      forEachExprInBlock(r->body, fn);
    } else if (auto *c = dyn_cast<OnConditionBlock>(n)) {
      forEachExpr(c->cond.get(), fn);
      forEachExprInBlock(c->body, fn);
    } else if (auto *f = dyn_cast<FunctionDecl>(n)) {
      forEachExprInBlock(f->body, fn);
    }
  }
}

/// The first NameRef called `name` in the model (after sema).
inline ast::NameRef *findName(ast::Model &m, const std::string &name) {
  ast::NameRef *found = nullptr;
  forEachExprInModel(m, [&](ast::Expr *e) {
    if (auto *n = ast::dyn_cast<ast::NameRef>(e); n && !found && n->name == name)
      found = n;
  });
  return found;
}

} // namespace nsc::test
