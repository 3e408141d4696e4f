//===- LowerSemantics.cpp - `semantics:` blocks to ir::Semantics ----------===//
#include "LowerSemantics.h"

#include "ModelLowerer.h"

#include <cmath>
#include <cstdlib>

namespace nsc::lowering {

using namespace nsc::ir;
namespace A = nsc::ast;

void SemanticsOverrides::applyTo(Semantics &s) const {
  if (dtMs)
    s.dtMs = *dtMs;
  if (solver)
    s.solver = *solver;
  if (precision) {
    s.precision = *precision;
    s.fixedFormats = fixedFormats;
  }
  if (spikes)
    s.spikes = *spikes;
  if (seed)
    s.seed = *seed;
  if (rk45Rtol)
    s.rk45Rtol = *rk45Rtol;
  if (rk45Atol)
    s.rk45Atol = *rk45Atol;
}

void SemanticsOverrides::mergeFrom(const SemanticsOverrides &o) {
  if (o.dtMs) dtMs = o.dtMs;
  if (o.solver) solver = o.solver;
  if (o.precision) {
    precision = o.precision;
    fixedFormats = o.fixedFormats;
  }
  if (o.spikes) spikes = o.spikes;
  if (o.seed) seed = o.seed;
  if (o.rk45Rtol) rk45Rtol = o.rk45Rtol;
  if (o.rk45Atol) rk45Atol = o.rk45Atol;
}

/// The word a setting value spells: sema resolved it as a bare name.
static std::optional<std::string> word(const A::Expr *e) {
  if (auto *n = A::dyn_cast<A::NameRef>(e); n && !n->index && !n->diffOrder)
    return n->name;
  return std::nullopt;
}

/// "Q8.8" -> (8, 8); m >= 1 (the sign bit counts), m + n <= 64. Stricter
/// than sema in one way: m and n have at most two digits.
static std::optional<std::pair<int, int>> parseQFormat(const std::string &s) {
  if (s.size() < 4 || (s[0] != 'Q' && s[0] != 'q'))
    return std::nullopt;
  size_t dot = s.find('.');
  if (dot == std::string::npos || dot == 1 || dot + 1 >= s.size())
    return std::nullopt;
  for (size_t i = 1; i < s.size(); ++i)
    if (i != dot && !std::isdigit(static_cast<unsigned char>(s[i])))
      return std::nullopt;
  if (dot > 3 || s.size() - dot - 1 > 2)
    return std::nullopt;
  int m = std::atoi(s.substr(1, dot - 1).c_str());
  int n = std::atoi(s.substr(dot + 1).c_str());
  if (m < 1 || n < 0 || m + n > 64)
    return std::nullopt;
  return std::make_pair(m, n);
}

/// Sema accepted the value: `float64`, `float32`, or `fixed(Qm.n, ...)`
/// with known rounding and overflow modes.
static std::optional<Precision> readPrecision(const A::Expr *e, DiagnosticEngine &diags,
                                              FixedFormats &formats) {
  formats = FixedFormats::Uniform;
  if (auto w = word(e)) {
    if (*w == "float64")
      return Precision::f64();
    if (*w == "float32")
      return Precision::f32();
    return std::nullopt;
  }
  auto *c = A::dyn_cast<A::Call>(e);
  if (!c || c->callee != "fixed" || c->args.size() != 1)
    return std::nullopt;
  auto fmtWord = word(c->args[0].get());
  auto q = fmtWord ? parseQFormat(*fmtWord) : std::nullopt;
  if (!q) {
    diags.error(c->args[0]->range,
                "expected a fixed-point format 'Qm.n' such as Q8.8 or Q16.16 (m >= 1, m + n <= 64)");
    return std::nullopt;
  }
  Precision p = Precision::fixed(q->first, q->second);
  for (const A::NamedArg &a : c->namedArgs) {
    auto v = word(a.value.get());
    if (!v)
      continue;
    if (a.name == "rounding") {
      if (*v == "nearest_even")
        p.rounding = Rounding::NearestEven;
      else if (*v == "toward_zero")
        p.rounding = Rounding::TowardZero;
      else if (*v == "floor")
        p.rounding = Rounding::Floor;
    } else if (a.name == "overflow") {
      if (*v == "saturate")
        p.overflow = Overflow::Saturate;
      else if (*v == "wrap")
        p.overflow = Overflow::Wrap;
    } else if (a.name == "formats") {
      formats = *v == "per_variable" ? FixedFormats::PerVariable : FixedFormats::Uniform;
    }
  }
  return p;
}

SemanticsOverrides readSemantics(const A::SemanticsBlock *block, DiagnosticEngine &diags) {
  SemanticsOverrides o;
  if (!block)
    return o;
  // Sema checked the keys and values; what is left to report are the limits
  // sema does not know: finite dt and tolerances, seeds that fit in 64 bits.
  ModelLowerer values(nullptr, Semantics{}, diags, /*networkContext=*/true);
  for (const A::Setting &s : block->settings) {
    const A::Expr *v = s.value.get();
    if (!v)
      continue;
    if (s.key == "dt") {
      auto ms = values.constantValue(v, msType());
      if (!ms)
        continue;
      if (!(*ms > 0) || !std::isfinite(*ms))
        diags.error(v->range, "dt must be a positive time constant such as '0.1 ms'");
      else
        o.dtMs = *ms;
    } else if (s.key == "solver") {
      static const std::pair<const char *, Solver> solvers[] = {
          {"auto", Solver::Auto},   {"exact", Solver::Exact}, {"exp_euler", Solver::ExpEuler},
          {"rk4", Solver::RK4},     {"rk45", Solver::RK45},   {"euler", Solver::Euler}};
      if (auto w = word(v))
        for (auto &[n, sv] : solvers)
          if (*w == n)
            o.solver = sv;
    } else if (s.key == "precision") {
      if (auto p = readPrecision(v, diags, o.fixedFormats))
        o.precision = *p;
    } else if (s.key == "spikes") {
      auto w = word(v);
      if (w && *w == "event")
        o.spikes = SpikeMode::Event;
      else if (w && *w == "rate")
        o.spikes = SpikeMode::Rate;
    } else if (s.key == "seed") {
      auto n = values.constantValue(v, Type::integer());
      if (!n)
        continue;
      if (*n < 0 || std::trunc(*n) != *n || *n > 1.8e19)
        diags.error(v->range, "seed must be a non-negative integer constant");
      else
        o.seed = static_cast<uint64_t>(*n);
    } else if (s.key == "rk45_rtol" || s.key == "rk45_atol") {
      auto x = values.constantValue(v, Type::real());
      if (!x)
        continue;
      if (!(*x > 0) || !std::isfinite(*x))
        diags.error(v->range, "'" + s.key + "' must be a positive number");
      else
        (s.key == "rk45_rtol" ? o.rk45Rtol : o.rk45Atol) = *x;
    }
  }
  return o;
}

} // namespace nsc::lowering
