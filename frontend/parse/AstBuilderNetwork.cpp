//===- AstBuilderNetwork.cpp - Networks, semantics and imports ------------===//
#include "AstBuilder.h"

using namespace nsc::ast;
using nsc::antlr::NscLexer;

namespace nsc::parse {

std::unique_ptr<Import> AstBuilder::import(NscParser::ImportStmtContext *ctx) {
  auto i = std::make_unique<Import>();
  i->range = range(ctx);
  if (ctx->path) {
    std::string t = text(ctx->path);
    i->path = t.size() >= 2 ? t.substr(1, t.size() - 2) : std::string();
    if (i->path.empty())
      error(range(ctx->path), "empty import path");
  } else {
    for (size_t k = 0; k < ctx->name().size(); ++k)
      i->name += (k ? "." : "") + text(ctx->name(k));
  }
  return i;
}

std::unique_ptr<SemanticsBlock> AstBuilder::semantics(NscParser::SemanticsBlockContext *ctx) {
  auto b = std::make_unique<SemanticsBlock>();
  b->range = range(ctx);
  for (auto *n : ctx->name()) {
    b->populations.push_back(text(n));
    b->populationRanges.push_back(range(n));
  }
  for (auto *s : ctx->setting()) {
    Setting st;
    st.key = text(s->name());
    st.keyRange = range(s->name());
    st.value = expr(s->expr());
    b->settings.push_back(std::move(st));
  }
  return b;
}

PopulationRef AstBuilder::popRef(NscParser::PopRefContext *ctx) {
  PopulationRef r;
  r.name = text(ctx->name());
  r.range = range(ctx);
  if (ctx->begin) {
    r.begin = expr(ctx->begin);
    r.isSlice = ctx->COLON() != nullptr;
    if (ctx->end)
      r.end = expr(ctx->end);
  }
  return r;
}

std::unique_ptr<Network> AstBuilder::network(NscParser::NetworkContext *ctx) {
  auto net = std::make_unique<Network>();
  net->range = range(ctx);
  net->name = text(ctx->name());
  net->nameRange = range(ctx->name());
  net->docstring = tokens_.docstringForLine(static_cast<uint32_t>(ctx->NETWORK()->getSymbol()->getLine()));
  for (auto *m : ctx->networkMember()) {
    if (auto *p = m->population()) {
      auto pop = std::make_unique<Population>();
      pop->range = range(p);
      pop->name = text(p->name(0));
      pop->nameRange = range(p->name(0));
      pop->model = text(p->modelName);
      pop->modelRange = range(p->modelName);
      if (p->size)
        pop->size = expr(p->size);
      for (auto *a : p->namedArg())
        pop->inits.push_back(namedArg(a));
      net->members.push_back(std::move(pop));
    } else if (auto *c = m->projection()) {
      auto proj = std::make_unique<Projection>();
      proj->range = range(c);
      if (c->label)
        proj->name = text(c->label);
      proj->source = popRef(c->src);
      proj->target = popRef(c->dst);
      if (c->connRule) {
        proj->rule = call(c->connRule);
      } else {
        proj->rule = std::make_unique<Call>();
        proj->rule->range = range(c->ruleName);
        proj->rule->callee = text(c->ruleName);
        proj->rule->calleeRange = range(c->ruleName);
      }
      for (auto *a : c->namedArg())
        proj->settings.push_back(namedArg(a));
      net->members.push_back(std::move(proj));
    } else if (auto *r = m->recorder()) {
      auto rec = std::make_unique<Recorder>();
      rec->range = range(r);
      for (auto *item : r->recordItem()) {
        rec->what.push_back(text(item));
        rec->whatRanges.push_back(range(item));
      }
      rec->target = popRef(r->popRef());
      if (r->interval)
        rec->interval = expr(r->interval);
      if (r->label)
        rec->label = text(r->label);
      net->members.push_back(std::move(rec));
    } else if (auto *s = m->semanticsBlock()) {
      net->members.push_back(semantics(s));
    } else if (auto *h = m->hardwareBlock()) {
      if (auto block = hardware(h))
        net->members.push_back(std::move(block));
    }
  }
  return net;
}

} // namespace nsc::parse
