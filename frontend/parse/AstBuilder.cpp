//===- AstBuilder.cpp - Files, models and statements ----------------------===//
#include "AstBuilder.h"

using namespace nsc::ast;
using nsc::antlr::NscLexer;

namespace nsc::parse {

std::unique_ptr<File> AstBuilder::build(NscParser::FileContext *ctx) {
  auto file = std::make_unique<File>();
  file->file = src_.file();
  file->range = range(ctx);
  for (auto *item : ctx->topItem()) {
    if (auto *i = item->importStmt()) {
      file->imports.push_back(import(i));
    } else if (auto *s = item->semanticsBlock()) {
      auto block = semantics(s);
      if (!block->populations.empty())
        error(SourceRange::cover(block->populationRanges.front(), block->populationRanges.back()),
              "'semantics for' is only allowed inside a network");
      if (file->semantics) {
        ++errors_;
        diags_.error(range(s->SEMANTICS()), "duplicate file-level 'semantics' block")
            .note(file->semantics->range, "previous 'semantics' block is here");
        continue;
      }
      file->semantics = std::move(block);
    } else if (auto *m = item->model()) {
      file->models.push_back(model(m));
    } else if (auto *n = item->network()) {
      file->networks.push_back(network(n));
    }
  }
  return file;
}

std::unique_ptr<Model> AstBuilder::model(NscParser::ModelContext *ctx) {
  auto m = std::make_unique<Model>();
  m->range = range(ctx);
  switch (ctx->kw->getType()) {
  case NscLexer::NEURON: m->keyword = Model::Keyword::Neuron; break;
  case NscLexer::SYNAPSE: m->keyword = Model::Keyword::Synapse; break;
  default: m->keyword = Model::Keyword::Model; break;
  }
  m->name = text(ctx->name());
  m->nameRange = range(ctx->name());
  m->docstring = tokens_.docstringForLine(static_cast<uint32_t>(ctx->kw->getLine()));
  for (auto *member : ctx->modelMember())
    if (auto n = modelMember(member))
      m->members.push_back(std::move(n));
  return m;
}

std::unique_ptr<Node> AstBuilder::modelMember(NscParser::ModelMemberContext *ctx) {
  if (auto *d = ctx->declBlock()) {
    auto b = std::make_unique<DeclBlock>();
    b->range = range(d);
    switch (d->kw->getType()) {
    case NscLexer::STATE: b->context = DeclContext::State; break;
    case NscLexer::PARAMETERS: b->context = DeclContext::Parameter; break;
    default: b->context = DeclContext::Internal; break;
    }
    for (auto *decl : d->declaration())
      b->decls.push_back(declaration(decl, b->context));
    return b;
  }
  if (auto *e = ctx->equationsBlock()) {
    auto b = std::make_unique<EquationsBlock>();
    b->range = range(e);
    for (auto *item : e->equationItem())
      if (auto n = equationItem(item))
        b->items.push_back(std::move(n));
    return b;
  }
  if (auto *in = ctx->inputBlock()) {
    auto b = std::make_unique<InputBlock>();
    b->range = range(in);
    for (auto *p : in->inputPort())
      b->ports.push_back(inputPort(p));
    return b;
  }
  if (auto *out = ctx->outputBlock()) {
    auto b = std::make_unique<OutputBlock>();
    b->range = range(out);
    b->spike = out->outputKind()->SPIKE() != nullptr;
    return b;
  }
  if (auto *u = ctx->updateBlock()) {
    auto b = std::make_unique<UpdateBlock>();
    b->range = range(u);
    b->body = block(u->block());
    return b;
  }
  if (auto *r = ctx->onReceiveBlock()) {
    auto b = std::make_unique<OnReceiveBlock>();
    b->range = range(r);
    b->port = text(r->port);
    b->portRange = range(r->port);
    for (auto *arg : r->namedArg()) {
      NamedArg a = namedArg(arg);
      if (a.name != "priority") {
        error(a.nameRange, "unknown 'onReceive' parameter '" + a.name + "'; expected 'priority'");
        continue;
      }
      if (b->priority) {
        error(a.nameRange, "duplicate 'priority' parameter");
        continue;
      }
      b->priority = std::move(a.value);
    }
    b->body = block(r->block());
    return b;
  }
  if (auto *c = ctx->onConditionBlock()) {
    auto b = std::make_unique<OnConditionBlock>();
    b->range = range(c);
    b->cond = expr(c->expr());
    b->body = block(c->block());
    return b;
  }
  if (auto *f = ctx->functionDecl())
    return function(f);
  if (auto *s = ctx->semanticsBlock()) {
    auto b = semantics(s);
    if (!b->populations.empty())
      error(SourceRange::cover(b->populationRanges.front(), b->populationRanges.back()),
            "'semantics for' is only allowed inside a network");
    return b;
  }
  return nullptr;
}

std::unique_ptr<VarDecl> AstBuilder::declaration(NscParser::DeclarationContext *ctx,
                                                 DeclContext context) {
  auto d = std::make_unique<VarDecl>();
  d->range = range(ctx);
  d->context = context;
  d->recordable = ctx->RECORDABLE() != nullptr;
  for (auto *n : ctx->declName()) {
    DeclaredName dn;
    dn.name = text(n->name()) + std::string(n->PRIME().size(), '\'');
    dn.range = range(n->name());
    if (!n->PRIME().empty())
      dn.range.end = range(n->PRIME().back()).end;
    if (n->size)
      dn.vectorSize = expr(n->size);
    d->names.push_back(std::move(dn));
  }
  d->type = dataType(ctx->dataType());
  if (ctx->init)
    d->init = expr(ctx->init);
  if (ctx->guard)
    d->guard = expr(ctx->guard);
  for (auto *dec : ctx->decorator()) {
    std::string name = text(dec->name(0));
    if (dec->name().size() > 1)
      name += "::" + text(dec->name(1));
    d->decorators.push_back(name);
  }
  return d;
}

std::unique_ptr<Node> AstBuilder::equationItem(NscParser::EquationItemContext *ctx) {
  if (auto *i = dynamic_cast<NscParser::InlineDeclContext *>(ctx)) {
    auto n = std::make_unique<InlineDecl>();
    n->range = range(ctx);
    n->recordable = i->RECORDABLE() != nullptr;
    n->name = text(i->name());
    n->nameRange = range(i->name());
    n->type = dataType(i->dataType());
    n->rhs = expr(i->expr());
    return n;
  }
  if (auto *k = dynamic_cast<NscParser::KernelDeclContext *>(ctx)) {
    auto n = std::make_unique<KernelDecl>();
    n->range = range(ctx);
    for (auto *part : k->kernelPart()) {
      KernelDecl::Part p;
      p.lhs = variable(part->variable());
      if (p.lhs->index)
        error(p.lhs->index->range, "a kernel cannot be indexed");
      p.rhs = expr(part->expr());
      n->parts.push_back(std::move(p));
    }
    return n;
  }
  auto *o = static_cast<NscParser::OdeEquationContext *>(ctx);
  auto n = std::make_unique<OdeEquation>();
  n->range = range(ctx);
  n->lhs = variable(o->lhs);
  if (n->lhs->diffOrder == 0)
    error(n->lhs->range, "left-hand side of an equation must be a derivative, e.g. '" +
                             n->lhs->name + "''");
  n->rhs = expr(o->rhs);
  return n;
}

std::unique_ptr<InputPort> AstBuilder::inputPort(NscParser::InputPortContext *ctx) {
  auto p = std::make_unique<InputPort>();
  p->range = range(ctx);
  p->name = text(ctx->name());
  p->nameRange = range(ctx->name());
  if (ctx->size)
    p->vectorSize = expr(ctx->size);
  if (ctx->dataType())
    p->type = dataType(ctx->dataType());
  p->isSpike = ctx->SPIKE() != nullptr;
  for (auto *q : ctx->EXCITATORY())
    p->excitatory = true, (void)q;
  for (auto *q : ctx->INHIBITORY())
    p->inhibitory = true, (void)q;
  if (!p->isSpike && (p->excitatory || p->inhibitory)) {
    auto *q = !ctx->EXCITATORY().empty() ? ctx->EXCITATORY(0) : ctx->INHIBITORY(0);
    error(range(q), "'" + q->getText() + "' applies only to spike ports");
  }
  return p;
}

std::unique_ptr<FunctionDecl> AstBuilder::function(NscParser::FunctionDeclContext *ctx) {
  auto f = std::make_unique<FunctionDecl>();
  f->range = range(ctx);
  f->name = text(ctx->name());
  f->nameRange = range(ctx->name());
  for (auto *param : ctx->param()) {
    auto d = std::make_unique<VarDecl>();
    d->range = range(param);
    d->context = DeclContext::FunctionParam;
    DeclaredName dn;
    dn.name = text(param->name());
    dn.range = range(param->name());
    d->names.push_back(std::move(dn));
    d->type = dataType(param->dataType());
    f->params.push_back(std::move(d));
  }
  if (ctx->dataType())
    f->returnType = dataType(ctx->dataType());
  f->body = block(ctx->block());
  return f;
}

//===----------------------------------------------------------------------===//
// Statements
//===----------------------------------------------------------------------===//

Block AstBuilder::block(NscParser::BlockContext *ctx) {
  Block b;
  if (!ctx)
    return b;
  for (auto *s : ctx->stmt())
    if (auto st = stmt(s))
      b.push_back(std::move(st));
  return b;
}

StmtPtr AstBuilder::stmt(NscParser::StmtContext *ctx) {
  if (auto *s = ctx->simpleStmt()) {
    if (auto *d = dynamic_cast<NscParser::DeclStmtContext *>(s))
      return declaration(d->declaration(), DeclContext::Local);
    if (auto *a = dynamic_cast<NscParser::AssignStmtContext *>(s)) {
      auto n = std::make_unique<Assign>();
      n->range = range(s);
      n->target = variable(a->variable());
      // `g' += w` is valid when `g'` is declared in `state:` (NESTML); sema
      // decides, since only it knows the declarations.
      switch (a->op->getType()) {
      case NscLexer::PLUS_EQ: n->op = AssignOp::Add; break;
      case NscLexer::MINUS_EQ: n->op = AssignOp::Sub; break;
      case NscLexer::STAR_EQ: n->op = AssignOp::Mul; break;
      case NscLexer::SLASH_EQ: n->op = AssignOp::Div; break;
      default: n->op = AssignOp::Set; break;
      }
      n->opRange = range(a->op);
      n->value = expr(a->expr());
      return n;
    }
    if (auto *c = dynamic_cast<NscParser::CallStmtContext *>(s)) {
      auto n = std::make_unique<ExprStmt>();
      n->range = range(s);
      n->expr = call(c->call());
      return n;
    }
    auto *r = static_cast<NscParser::ReturnStmtContext *>(s);
    auto n = std::make_unique<Return>();
    n->range = range(s);
    if (r->expr())
      n->value = expr(r->expr());
    return n;
  }
  if (auto *i = ctx->ifStmt()) {
    auto n = std::make_unique<If>();
    n->range = range(i);
    IfBranch first;
    first.cond = expr(i->expr());
    first.range = SourceRange::cover(range(i->IF()), range(i->block()));
    first.body = block(i->block());
    n->branches.push_back(std::move(first));
    for (auto *e : i->elifClause()) {
      IfBranch b;
      b.cond = expr(e->expr());
      b.range = range(e);
      b.body = block(e->block());
      n->branches.push_back(std::move(b));
    }
    if (auto *e = i->elseClause()) {
      IfBranch b;
      b.range = range(e);
      b.body = block(e->block());
      n->branches.push_back(std::move(b));
    }
    return n;
  }
  if (auto *f = ctx->forStmt()) {
    auto n = std::make_unique<For>();
    n->range = range(f);
    n->var = text(f->name());
    n->varRange = range(f->name());
    n->from = expr(f->from);
    n->to = expr(f->to);
    if (f->step)
      n->step = expr(f->step);
    n->body = block(f->block());
    return n;
  }
  if (auto *w = ctx->whileStmt()) {
    auto n = std::make_unique<While>();
    n->range = range(w);
    n->cond = expr(w->expr());
    n->body = block(w->block());
    return n;
  }
  return nullptr;
}

} // namespace nsc::parse
