//===- AstBuilderExpr.cpp - Expressions and types -------------------------===//
#include "AstBuilder.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

using namespace nsc::ast;
using nsc::antlr::NscLexer;

namespace nsc::parse {

//===----------------------------------------------------------------------===//
// Locations
//===----------------------------------------------------------------------===//

SourceRange AstBuilder::range(antlr4::Token *t) const { return src_.rangeOf(t); }

static bool isSynthesized(antlr4::Token *t) {
  size_t ty = t->getType();
  return ty == NscLexer::INDENT || ty == NscLexer::DEDENT || ty == NscLexer::NEWLINE ||
         ty == antlr4::Token::EOF;
}

SourceRange AstBuilder::range(antlr4::ParserRuleContext *ctx) const {
  antlr4::Token *start = ctx->getStart(), *stop = ctx->getStop();
  if (!start)
    return {};
  SourceRange b = src_.rangeOf(start);
  if (!stop || stop->getTokenIndex() < start->getTokenIndex())
    return b;
  // A block ends where its DEDENT (or final NEWLINE) begins: the line break
  // and the next line's indentation are not part of it.
  SourceRange e = src_.rangeOf(stop);
  return SourceRange(b.begin, isSynthesized(stop) ? e.begin : e.end);
}

std::string AstBuilder::text(antlr4::Token *t) const {
  return src_.bytes(t->getStartIndex(), t->getStopIndex() + 1);
}

std::string AstBuilder::text(antlr4::ParserRuleContext *ctx) const {
  return src_.bytes(ctx->getStart()->getStartIndex(), ctx->getStop()->getStopIndex() + 1);
}

//===----------------------------------------------------------------------===//
// Expressions
//===----------------------------------------------------------------------===//

static BinaryOp binaryOpFor(size_t type) {
  switch (type) {
  case NscLexer::STAR_STAR: return BinaryOp::Pow;
  case NscLexer::STAR: return BinaryOp::Mul;
  case NscLexer::SLASH: return BinaryOp::Div;
  case NscLexer::PERCENT: return BinaryOp::Mod;
  case NscLexer::PLUS: return BinaryOp::Add;
  case NscLexer::MINUS: return BinaryOp::Sub;
  case NscLexer::SHL: return BinaryOp::Shl;
  case NscLexer::SHR: return BinaryOp::Shr;
  case NscLexer::AMP: return BinaryOp::BitAnd;
  case NscLexer::CARET: return BinaryOp::BitXor;
  case NscLexer::PIPE: return BinaryOp::BitOr;
  case NscLexer::LT: return BinaryOp::Lt;
  case NscLexer::LT_EQ: return BinaryOp::Le;
  case NscLexer::GT: return BinaryOp::Gt;
  case NscLexer::GT_EQ: return BinaryOp::Ge;
  case NscLexer::EQ_EQ: return BinaryOp::Eq;
  case NscLexer::NOT_EQ: case NscLexer::LT_GT: return BinaryOp::Ne;
  case NscLexer::AND: return BinaryOp::And;
  default: return BinaryOp::Or;
  }
}

ExprPtr AstBuilder::expr(NscParser::ExprContext *ctx) {
  if (!ctx)
    return nullptr;
  if (auto *p = dynamic_cast<NscParser::PrimaryExprContext *>(ctx))
    return primary(p->primary());
  if (auto *b = dynamic_cast<NscParser::BinaryExprContext *>(ctx)) {
    auto n = std::make_unique<Binary>();
    n->range = range(ctx);
    n->op = binaryOpFor(b->op->getType());
    n->opRange = range(b->op);
    n->lhs = expr(b->lhs);
    n->rhs = expr(b->rhs);
    return n;
  }
  if (auto *u = dynamic_cast<NscParser::UnaryExprContext *>(ctx)) {
    auto n = std::make_unique<Unary>();
    n->range = range(ctx);
    switch (u->op->getType()) {
    case NscLexer::PLUS: n->op = UnaryOp::Plus; break;
    case NscLexer::MINUS: n->op = UnaryOp::Minus; break;
    case NscLexer::TILDE: n->op = UnaryOp::BitNot; break;
    default: n->op = UnaryOp::Not; break;
    }
    n->operand = expr(u->operand);
    return n;
  }
  if (auto *t = dynamic_cast<NscParser::TernaryExprContext *>(ctx)) {
    auto n = std::make_unique<Ternary>();
    n->range = range(ctx);
    n->cond = expr(t->cond);
    n->thenExpr = expr(t->thenExpr);
    n->elseExpr = expr(t->elseExpr);
    return n;
  }
  return nullptr;
}

static std::string unescape(const std::string &quoted) {
  std::string out;
  size_t end = quoted.size() >= 2 && quoted.back() == '"' ? quoted.size() - 1 : quoted.size();
  for (size_t i = 1; i < end; ++i) {
    char c = quoted[i];
    if (c == '\\' && i + 1 < end) {
      char e = quoted[++i];
      switch (e) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      default: out += e; break; // \" \\ and anything else: the character
      }
    } else {
      out += c;
    }
  }
  return out;
}

ExprPtr AstBuilder::primary(NscParser::PrimaryContext *ctx) {
  if (!ctx)
    return nullptr;
  if (auto *p = dynamic_cast<NscParser::ParenExprContext *>(ctx)) {
    ExprPtr inner = expr(p->expr());
    if (inner)
      inner->range = range(ctx); // include the parentheses
    return inner;
  }
  if (auto *n = dynamic_cast<NscParser::NumberExprContext *>(ctx)) {
    auto lit = std::make_unique<NumberLit>();
    lit->range = range(ctx);
    lit->text = text(n->num);
    lit->isInteger = n->num->getType() == NscLexer::INTEGER;
    errno = 0;
    lit->value = std::strtod(lit->text.c_str(), nullptr);
    // ERANGE also flags subnormal results (1e-310), which are exact enough
    // to keep; only overflow and an underflow to zero lose the number.
    if (errno == ERANGE && std::isinf(lit->value))
      error(range(n->num), "number '" + lit->text + "' is too large");
    else if (errno == ERANGE && lit->value == 0)
      error(range(n->num), "number '" + lit->text + "' is too small: it would be read as 0");
    if (n->unit) {
      lit->unitName = text(n->unit);
      lit->unitRange = range(n->unit);
    }
    return lit;
  }
  if (dynamic_cast<NscParser::InfExprContext *>(ctx)) {
    auto lit = std::make_unique<InfLit>();
    lit->range = range(ctx);
    return lit;
  }
  if (dynamic_cast<NscParser::BoolExprContext *>(ctx)) {
    auto lit = std::make_unique<BoolLit>();
    lit->range = range(ctx);
    std::string t = text(ctx);
    lit->value = t == "true" || t == "True";
    return lit;
  }
  if (dynamic_cast<NscParser::StringExprContext *>(ctx)) {
    auto lit = std::make_unique<StringLit>();
    lit->range = range(ctx);
    lit->value = unescape(text(ctx));
    return lit;
  }
  if (dynamic_cast<NscParser::FixedFormatExprContext *>(ctx)) {
    auto ref = std::make_unique<NameRef>();
    ref->range = range(ctx);
    ref->name = text(ctx);
    return ref;
  }
  if (auto *c = dynamic_cast<NscParser::CallExprContext *>(ctx))
    return call(c->call());
  if (auto *v = dynamic_cast<NscParser::VariableExprContext *>(ctx))
    return variable(v->variable());
  if (auto *l = dynamic_cast<NscParser::ListExprContext *>(ctx)) {
    auto list = std::make_unique<List>();
    list->range = range(ctx);
    for (auto *e : l->expr())
      list->elements.push_back(expr(e));
    return list;
  }
  return nullptr;
}

std::unique_ptr<NameRef> AstBuilder::variable(NscParser::VariableContext *ctx) {
  auto ref = std::make_unique<NameRef>();
  ref->range = range(ctx);
  ref->name = text(ctx->name());
  ref->diffOrder = static_cast<unsigned>(ctx->PRIME().size());
  if (ctx->index)
    ref->index = expr(ctx->index);
  return ref;
}

NamedArg AstBuilder::namedArg(NscParser::NamedArgContext *ctx) {
  NamedArg a;
  a.name = text(ctx->argName());
  a.nameRange = range(ctx->argName());
  a.value = expr(ctx->expr());
  return a;
}

std::unique_ptr<Call> AstBuilder::call(NscParser::CallContext *ctx) {
  auto c = std::make_unique<Call>();
  c->range = range(ctx);
  c->callee = text(ctx->name());
  c->calleeRange = range(ctx->name());
  for (auto *arg : ctx->callArg()) {
    if (auto *na = arg->namedArg()) {
      c->namedArgs.push_back(namedArg(na));
      continue;
    }
    if (!c->namedArgs.empty())
      error(range(arg), "positional argument after a named argument");
    c->args.push_back(expr(arg->expr()));
  }
  return c;
}

//===----------------------------------------------------------------------===//
// Types
//===----------------------------------------------------------------------===//

TypeExprPtr AstBuilder::dataType(NscParser::DataTypeContext *ctx) {
  if (!ctx)
    return nullptr;
  if (auto *u = ctx->unitType())
    return unitType(u);
  auto t = std::make_unique<TypeName>();
  t->range = range(ctx);
  t->name = text(ctx);
  return t;
}

TypeExprPtr AstBuilder::unitType(NscParser::UnitTypeContext *ctx) {
  if (auto *p = dynamic_cast<NscParser::ParenUnitContext *>(ctx)) {
    TypeExprPtr inner = unitType(p->unitType());
    if (inner)
      inner->range = range(ctx);
    return inner;
  }
  if (auto *p = dynamic_cast<NscParser::PowUnitContext *>(ctx)) {
    auto t = std::make_unique<TypePow>();
    t->range = range(ctx);
    t->base = unitType(p->base);
    auto *e = p->unitExponent();
    long v = std::strtol(e->INTEGER()->getText().c_str(), nullptr, 10);
    if (v > 1000 || e->INTEGER()->getText().size() > 6) {
      error(range(e), "unit exponent '" + text(e) + "' is too large");
      v = 1;
    }
    t->exponent = static_cast<int>(e->MINUS() ? -v : v);
    return t;
  }
  if (auto *m = dynamic_cast<NscParser::MulUnitContext *>(ctx)) {
    auto t = std::make_unique<TypeBinary>();
    t->range = range(ctx);
    t->isDivide = m->op->getType() == NscLexer::SLASH;
    t->lhs = unitType(m->lhs);
    t->rhs = unitType(m->rhs);
    return t;
  }
  if (auto *n = dynamic_cast<NscParser::NumberUnitContext *>(ctx)) {
    auto t = std::make_unique<TypeNumber>();
    t->range = range(ctx);
    t->value = std::strtod(text(n->num).c_str(), nullptr);
    return t;
  }
  auto t = std::make_unique<TypeName>();
  t->range = range(ctx);
  t->name = text(ctx);
  return t;
}

} // namespace nsc::parse
