//===- TypeResolver.cpp - Declared types to ir::Type ----------------------===//
#include "TypeResolver.h"
#include "SemaContext.h"

namespace nsc::sema {

units::Unit millisecond() {
  if (auto u = units::lookupUnit("ms"))
    return *u;
  units::Unit u;
  u.dim = units::Dimension::time();
  u.scale = 1e-3;
  return u;
}

static bool isKeywordType(const std::string &n) {
  return n == "real" || n == "integer" || n == "boolean" || n == "string" || n == "void";
}

std::optional<units::Unit> resolveUnitExpr(const ast::TypeExpr *type, DiagnosticEngine &diags) {
  if (!type)
    return std::nullopt;
  if (auto *n = ast::dyn_cast<ast::TypeName>(type)) {
    if (isKeywordType(n->name)) {
      if (n->name == "real" || n->name == "integer")
        return units::Unit::dimensionless();
      diags.error(n->range, "'" + n->name + "' cannot be used in a unit expression");
      return std::nullopt;
    }
    if (auto u = units::lookupUnit(n->name))
      return u;
    auto d = diags.error(n->range, "unknown unit '" + n->name + "'");
    suggestName(d, n->range, n->name, knownUnitNames());
    return std::nullopt;
  }
  if (auto *num = ast::dyn_cast<ast::TypeNumber>(type)) {
    if (num->value != 1) {
      diags.error(num->range, "a unit expression may only contain the number 1");
      return std::nullopt;
    }
    return units::Unit::dimensionless();
  }
  if (auto *b = ast::dyn_cast<ast::TypeBinary>(type)) {
    auto l = resolveUnitExpr(b->lhs.get(), diags);
    auto r = resolveUnitExpr(b->rhs.get(), diags);
    if (!l || !r)
      return std::nullopt;
    return b->isDivide ? *l / *r : *l * *r;
  }
  if (auto *p = ast::dyn_cast<ast::TypePow>(type)) {
    auto base = resolveUnitExpr(p->base.get(), diags);
    if (!base)
      return std::nullopt;
    if (p->exponent > 16 || p->exponent < -16) {
      diags.error(p->range, "unit exponent " + std::to_string(p->exponent) + " is out of range");
      return std::nullopt;
    }
    return base->pow(p->exponent);
  }
  return std::nullopt;
}

ir::Type resolveType(const ast::TypeExpr *type, DiagnosticEngine &diags, bool allowVoid) {
  if (!type)
    return ir::Type::error();
  if (auto *n = ast::dyn_cast<ast::TypeName>(type)) {
    if (n->name == "real")
      return ir::Type::real();
    if (n->name == "integer")
      return ir::Type::integer();
    if (n->name == "boolean")
      return ir::Type::boolean();
    if (n->name == "string")
      return ir::Type::string();
    if (n->name == "void") {
      if (allowVoid)
        return ir::Type::voidTy();
      diags.error(n->range, "'void' is only allowed as a function return type");
      return ir::Type::error();
    }
  }
  auto u = resolveUnitExpr(type, diags);
  if (!u)
    return ir::Type::error();
  return ir::Type::real(*u);
}

} // namespace nsc::sema
