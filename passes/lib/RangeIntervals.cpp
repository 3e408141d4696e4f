//===- RangeIntervals.cpp - Intervals, range kinds and --range parsing ----===//
//
// The value domain of the range analysis (RangeAnalysis.h): closed
// intervals with outward arithmetic, the kinds of a range, and the
// `--range VAR=lo..hi` syntax.
//
//===----------------------------------------------------------------------===//
#include "nsc/passes/RangeAnalysis.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace nsc::passes {

using namespace ir;

namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();

double mulEnd(double a, double b) { return (a == 0 || b == 0) ? 0 : a * b; }

std::string fmtNum(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v == 0 ? 0.0 : v); // no "-0"
  return buf;
}
} // namespace

bool Interval::isBounded() const { return !isEmpty() && std::isfinite(lo) && std::isfinite(hi); }
double Interval::magnitude() const { return isEmpty() ? 0 : std::max(std::fabs(lo), std::fabs(hi)); }
Interval Interval::hull(const Interval &o) const {
  if (isEmpty())
    return o;
  if (o.isEmpty())
    return *this;
  return {std::min(lo, o.lo), std::max(hi, o.hi)};
}
Interval Interval::intersect(const Interval &o) const { return {std::max(lo, o.lo), std::min(hi, o.hi)}; }
std::string Interval::str() const {
  if (isEmpty())
    return "empty";
  return "[" + fmtNum(lo) + ", " + fmtNum(hi) + "]";
}

Interval add(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  return {a.lo + b.lo, a.hi + b.hi};
}
Interval neg(const Interval &a) { return a.isEmpty() ? a : Interval{-a.hi, -a.lo}; }
Interval sub(const Interval &a, const Interval &b) { return add(a, neg(b)); }
Interval mul(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  double c[4] = {mulEnd(a.lo, b.lo), mulEnd(a.lo, b.hi), mulEnd(a.hi, b.lo), mulEnd(a.hi, b.hi)};
  return {std::min(std::min(c[0], c[1]), std::min(c[2], c[3])), std::max(std::max(c[0], c[1]), std::max(c[2], c[3]))};
}
Interval div(const Interval &a, const Interval &b) {
  if (a.isEmpty() || b.isEmpty())
    return Interval::empty();
  if (b.contains(0.0))
    return Interval::all();
  return mul(a, Interval::of(1 / b.lo, 1 / b.hi));
}
Interval scale(const Interval &a, double f) { return mul(a, Interval::point(f)); }

const char *rangeKindName(RangeKind k) {
  switch (k) {
  case RangeKind::Proven: return "proven";
  case RangeKind::Assumed: return "assumed";
  case RangeKind::Override: return "override";
  case RangeKind::Unbounded: return "unbounded";
  }
  return "?";
}

Interval RangeResult::expr(const Expr *e) const {
  auto it = exprs.find(e);
  return it == exprs.end() ? Interval::all() : it->second;
}

std::optional<RangeOverride> parseRangeOverride(const std::string &text, std::string &error) {
  error = "expected NAME=LO..HI, e.g. V_m=-80mV..-40mV";
  size_t eq = text.find('=');
  size_t dots = text.find("..", eq == std::string::npos ? 0 : eq);
  if (eq == std::string::npos || eq == 0 || dots == std::string::npos)
    return std::nullopt;
  RangeOverride o;
  o.name = text.substr(0, eq);
  auto number = [&](std::string s, double &v, std::string &unit) {
    while (!s.empty() && s.front() == ' ')
      s.erase(s.begin());
    while (!s.empty() && s.back() == ' ')
      s.pop_back();
    if (s.empty())
      return false;
    char *end = nullptr;
    v = std::strtod(s.c_str(), &end);
    if (end == s.c_str())
      return false;
    unit = end;
    while (!unit.empty() && unit.front() == ' ')
      unit.erase(unit.begin());
    return std::isfinite(v) || std::isinf(v);
  };
  if (!number(text.substr(eq + 1, dots - eq - 1), o.lo, o.loUnit) ||
      !number(text.substr(dots + 2), o.hi, o.hiUnit))
    return std::nullopt;
  if (o.lo > o.hi) {
    error = "the range of '" + o.name + "' is empty (lower end above upper end)";
    return std::nullopt;
  }
  error.clear();
  return o;
}

} // namespace nsc::passes
