//===- SemaContext.cpp - Helpers shared by the semantic checkers ----------===//
#include "SemaContext.h"

#include "nsc/support/Units.h"

#include <algorithm>
#include <filesystem>
#include <cctype>

namespace nsc::sema {

void suggestName(DiagnosticEngine::Builder &diag, SourceRange range,
                 const std::string &name, const std::vector<std::string> &candidates) {
  if (auto s = closestName(name, candidates))
    diag.note(range, "did you mean '" + *s + "'?");
}

void suggestImport(const SemaContext &ctx, DiagnosticEngine::Builder &diag, SourceRange at,
                   const std::string &name) {
  namespace fs = std::filesystem;
  if (name.empty() || !at.valid())
    return;
  std::vector<fs::path> dirs{fs::path(ctx.diags.sourceManager().path(at.begin.file)).parent_path()};
  for (const std::string &d : ctx.importDirs)
    dirs.emplace_back(d);
  for (const fs::path &d : dirs)
    for (const char *ext : {".nrn", ".nestml"}) {
      std::error_code ec;
      fs::path file = d / (name + ext);
      if (fs::is_regular_file(file, ec)) {
        diag.note(at, "'" + file.string() + "' exists; add 'import " + name + "' to use its models");
        return;
      }
    }
}

const std::vector<std::string> &knownUnitNames() {
  static const std::vector<std::string> names = [] {
    static const char *bases[] = {"V", "A", "S", "Ohm", "F", "s", "Hz", "mol", "M",
                                  "m", "K", "g", "L", "W", "J", "C", "N", "Pa",
                                  "m2", "um2", "cm2", "mM", "uM", "nM"};
    static const char *prefixes[] = {"", "p", "n", "u", "m", "c", "k", "M", "G", "f"};
    std::vector<std::string> out;
    for (const char *p : prefixes)
      for (const char *b : bases) {
        std::string n = std::string(p) + b;
        if (std::find(out.begin(), out.end(), n) == out.end() && units::isUnitName(n))
          out.push_back(n);
      }
    return out;
  }();
  return names;
}

std::string typeStr(const ir::Type &t) {
  switch (t.kind) {
  case ir::TypeKind::Error: return "<error>";
  case ir::TypeKind::Void: return "void";
  case ir::TypeKind::Bool: return "boolean";
  case ir::TypeKind::String: return "string";
  case ir::TypeKind::Int:
    if (t.unit.isDimensionless() && t.unit.scale == 1.0)
      return "integer";
    return "integer " + units::formatUnit(t.unit);
  case ir::TypeKind::Real:
    if (t.unit.isDimensionless() && t.unit.scale == 1.0)
      return "real";
    return units::formatUnit(t.unit);
  }
  return "<error>";
}

bool isUnitFreeLiteral(const ast::Expr *e) {
  while (auto *u = ast::dyn_cast<ast::Unary>(e)) {
    if (u->op != ast::UnaryOp::Minus && u->op != ast::UnaryOp::Plus)
      return false;
    e = u->operand.get();
  }
  if (ast::isa<ast::InfLit>(e))
    return true;
  if (auto *n = ast::dyn_cast<ast::NumberLit>(e))
    return n->unitName.empty() && n->value == 0;
  return false;
}

bool isSynapseModel(const ast::Model &m) {
  if (m.keyword == ast::Model::Keyword::Synapse)
    return true;
  static const std::string suffix = "_synapse";
  return m.name.size() > suffix.size() &&
         m.name.compare(m.name.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Conversion classifyConversion(const ir::Type &to, const ir::Type &from) {
  if (to.isError() || from.isError())
    return Conversion::Ok;
  if (to.isNumeric() && from.isNumeric()) {
    if (!sameDimension(to, from)) {
      if (from.unit.isDimensionless())
        return Conversion::DimensionlessToUnit;
      // Dropping the unit and truncating at once is one step too many.
      if (to.unit.isDimensionless() &&
          !(to.kind == ir::TypeKind::Int && from.kind == ir::TypeKind::Real))
        return Conversion::UnitToDimensionless;
      return Conversion::DimensionMismatch;
    }
    if (to.kind == ir::TypeKind::Int && from.kind == ir::TypeKind::Real)
      return Conversion::Narrowing;
    return Conversion::Ok;
  }
  if (to.kind == from.kind && (to.kind == ir::TypeKind::Bool || to.kind == ir::TypeKind::String))
    return Conversion::Ok;
  return Conversion::KindMismatch;
}

/// round(x), floor(x), ceil(x): an explicit real -> integer conversion.
static bool isExplicitRounding(const ast::Expr *e) {
  auto *c = ast::dyn_cast<ast::Call>(e);
  return c && !c->target && (c->callee == "round" || c->callee == "floor" || c->callee == "ceil");
}

bool reportConversion(DiagnosticEngine &diags, const ir::Type &to, const ast::Expr *value,
                      const std::string &mismatchMessage) {
  switch (classifyConversion(to, value->type)) {
  case Conversion::Ok:
    return true;
  case Conversion::DimensionlessToUnit:
    // A dimensionless number is taken as already being in the target unit
    // (lowering applies no factor). 0 and inf need no warning: they mean the
    // same in every unit.
    if (!isUnitFreeLiteral(value))
      diags.warning(value->range, "implicit conversion from dimensionless '" +
                                      typeStr(value->type) + "' to '" + typeStr(to) + "'");
    if (to.kind == ir::TypeKind::Int && value->type.kind == ir::TypeKind::Real &&
        !isExplicitRounding(value)) {
      diags.error(value->range, "implicit conversion from 'real' to 'integer' is not allowed")
          .note(value->range, "use round(), floor() or ceil() to convert explicitly");
      return false;
    }
    return true;
  case Conversion::UnitToDimensionless:
    // NESTML accepts a physical value where a dimensionless one is declared
    // and warns; the number is kept in the value's own unit (lowering
    // reinterprets it, applying no factor).
    warnUnitDropped(diags, value, to);
    return true;
  case Conversion::Narrowing:
    // Decision: real -> integer is an error (it silently truncates), unless
    // the value is already rounded with round/floor/ceil.
    if (isExplicitRounding(value))
      return true;
    diags.error(value->range, "implicit conversion from '" + typeStr(value->type) +
                                  "' to '" + typeStr(to) + "' is not allowed")
        .note(value->range, "use round(), floor() or ceil() to convert explicitly");
    return false;
  case Conversion::DimensionMismatch:
  case Conversion::KindMismatch:
    diags.error(value->range, mismatchMessage);
    return false;
  }
  return true;
}

void warnUnitDropped(DiagnosticEngine &diags, const ast::Expr *value, const ir::Type &to) {
  ir::Type target = to;
  target.unit = units::Unit::dimensionless();
  std::string unit = units::formatUnit(value->type.unit);
  diags.warning(value->range, "implicit conversion from '" + unit + "' to dimensionless '" +
                                  typeStr(target) + "' drops the unit (the value is taken in " +
                                  unit + ")");
}

} // namespace nsc::sema
