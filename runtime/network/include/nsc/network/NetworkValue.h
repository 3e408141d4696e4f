//===- NetworkValue.h - Values written in a network -------------*- C++ -*-===//
//
// Population arguments, weights, delays and source settings are host-side
// float64 values (docs/semantics.md §8): a constant, a list, or a
// distribution drawn from a stream of §9.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/IR.h"
#include "nsc/runtime/Connectivity.h"
#include "nsc/runtime/Random.h"

#include <cmath>
#include <vector>

namespace nsc::network {

namespace network_value_detail {
using namespace ir;

/// A value written in a network: a constant, a list or a distribution.
class NetworkValue {
public:
  static bool isRandom(const Expr &e) {
    auto *c = dyn_cast<Call>(&e);
    return c && (c->builtin == Builtin::RandomUniform || c->builtin == Builtin::RandomNormal ||
                 c->builtin == Builtin::RandomLognormal || c->builtin == Builtin::RandomExponential ||
                 c->builtin == Builtin::RandomPoisson);
  }
  static double eval(const Expr &e, runtime::RandomStream *rs) {
    switch (e.kind) {
    case ExprKind::Constant: {
      auto &c = *cast<Constant>(&e);
      return e.type.kind == TypeKind::Int ? double(c.integer) : e.type.kind == TypeKind::Bool ? c.boolean : c.real;
    }
    case ExprKind::UnitConvert: return eval(*cast<UnitConvert>(&e)->operand, rs) * cast<UnitConvert>(&e)->factor;
    case ExprKind::Cast: return eval(*cast<Cast>(&e)->operand, rs);
    case ExprKind::Unary: return -eval(*cast<Unary>(&e)->operand, rs);
    case ExprKind::Binary: {
      auto &b = *cast<Binary>(&e);
      double l = eval(*b.lhs, rs), r = eval(*b.rhs, rs);
      switch (b.op) {
      case BinaryOp::Add: return l + r;
      case BinaryOp::Sub: return l - r;
      case BinaryOp::Mul: return l * r;
      case BinaryOp::Div: return l / r;
      default: return NAN;
      }
    }
    case ExprKind::Call: {
      auto &c = *cast<Call>(&e);
      auto a = [&](size_t i) { return eval(*c.args[i], rs); };
      if (!rs)
        return NAN;
      switch (c.builtin) {
      case Builtin::RandomUniform: return rs->uniform(a(0), a(1));
      case Builtin::RandomNormal: return rs->normal(a(0), a(1));
      case Builtin::RandomLognormal: return rs->lognormal(a(0), a(1));
      case Builtin::RandomExponential: return rs->exponential(a(0));
      case Builtin::RandomPoisson: return double(rs->poisson(a(0)));
      default: return NAN;
      }
    }
    default: return NAN;
    }
  }
  static std::vector<double> list(const Expr &e) {
    std::vector<double> out;
    if (auto *l = dyn_cast<List>(&e))
      for (const ExprPtr &x : l->elements)
        out.push_back(eval(*x, nullptr));
    else
      out.push_back(eval(e, nullptr));
    return out;
  }
  static runtime::Distribution distribution(const Expr &e) {
    runtime::Distribution d;
    auto *c = dyn_cast<Call>(&e);
    if (!c || !isRandom(e)) {
      d.a = eval(e, nullptr);
      return d;
    }
    using K = runtime::Distribution::Kind;
    d.kind = c->builtin == Builtin::RandomUniform    ? K::Uniform
             : c->builtin == Builtin::RandomNormal   ? K::Normal
             : c->builtin == Builtin::RandomLognormal ? K::Lognormal
                                                     : K::Exponential;
    d.a = eval(*c->args[0], nullptr);
    d.b = c->args.size() > 1 ? eval(*c->args[1], nullptr) : 0;
    return d;
  }
};

} // namespace network_value_detail
using network_value_detail::NetworkValue;

} // namespace nsc::network
