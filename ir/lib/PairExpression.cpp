//===- PairExpression.cpp - What pairwise_bernoulli's p may contain -------===//

#include "nsc/ir/Network.h"

namespace nsc::ir {

std::string checkPairExpression(const Expr &e) {
  auto all = [](std::initializer_list<const Expr *> kids) {
    for (const Expr *k : kids)
      if (std::string why = k ? checkPairExpression(*k) : "a missing operand"; !why.empty())
        return why;
    return std::string();
  };
  switch (e.kind) {
  case ExprKind::Constant:
    return e.type.kind == TypeKind::String ? "a string" : "";
  case ExprKind::VarRef: {
    auto &v = *cast<VarRef>(&e);
    return v.index || (v.var != kPairSource && v.var != kPairTarget) ? "a variable other than i and j" : "";
  }
  case ExprKind::Unary: return cast<Unary>(&e)->op == UnaryOp::BitNot ? "'~'" : all({cast<Unary>(&e)->operand.get()});
  case ExprKind::Binary: {
    auto &b = *cast<Binary>(&e);
    if (isBitwise(b.op))
      return "a bitwise operator";
    return all({b.lhs.get(), b.rhs.get()});
  }
  case ExprKind::Select: {
    auto &s = *cast<Select>(&e);
    return all({s.cond.get(), s.thenExpr.get(), s.elseExpr.get()});
  }
  case ExprKind::Call: {
    auto &c = *cast<Call>(&e);
    if (c.builtin > Builtin::Round)
      return "a call to a function that is not pure math";
    for (const ExprPtr &a : c.args)
      if (std::string why = a ? checkPairExpression(*a) : "a missing argument"; !why.empty())
        return why;
    return "";
  }
  case ExprKind::UnitConvert: return all({cast<UnitConvert>(&e)->operand.get()});
  case ExprKind::Cast: return all({cast<Cast>(&e)->operand.get()});
  default: return "a reference to a model's port, kernel, inline or derivative";
  }
}

} // namespace nsc::ir
