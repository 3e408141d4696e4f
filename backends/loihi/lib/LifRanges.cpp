//===- LifRanges.cpp - Value ranges of a mapped LIF population ------------===//
#include "LifRanges.h"
#include "SolvedModelCopy.h"

#include "nsc/support/Units.h"
#include "nsc/passes/PassManager.h"

#include <cmath>
#include <sstream>

namespace nsc::loihi {

using namespace ir;
using passes::Interval;
using passes::RangeKind;

unsigned poissonCountBound(double lambda, double tail) {
  if (!(lambda > 0))
    return 0;
  // P(n > k) = 1 - Σ_{i<=k} e^-λ λ^i / i!, summed upward until the rest is below tail.
  double term = std::exp(-lambda), cdf = term;
  unsigned k = 0;
  while (1 - cdf >= tail && k < 100000) {
    ++k;
    term *= lambda / k;
    cdf += term;
    if (term < tail * 1e-3 && double(k) > lambda)
      break;
  }
  return std::max(1u, k);
}

namespace {
std::string unitText(const Type &t) {
  std::string u = t.unit.isDimensionless() ? "" : units::formatUnit(t.unit);
  return u == "1" ? "" : u;
}
} // namespace

std::optional<LifRanges> analyseLifRanges(const LifRangeInputs &in, const LifStructure &lif,
                                          DiagnosticEngine &diags) {
  const Model &m = *in.model;
  Module tmp;
  Model *solved = solvedModelCopy(tmp, m, in.parameterValues, diags);
  if (!solved)
    return std::nullopt;
  Model &copy = *solved;
  passes::RangeOptions ro;
  ro.portRanges = in.portSums;
  std::map<std::string, bool> userNamed;
  for (const std::string &text : in.userRanges) {
    std::string err;
    auto o = passes::parseRangeOverride(text, err);
    if (!o) {
      diags.error({}, "--range " + text + ": " + err);
      return std::nullopt;
    }
    if (copy.findVariable(o->name) || copy.findPort(o->name)) {
      ro.overrides.push_back(*o);
      userNamed[o->name] = true;
    }
  }
  // The network's bounds of the synaptic variables, unless the user gave one.
  for (size_t j = 0; j < lif.currents.size(); ++j) {
    const Variable &x = copy.variables[lif.currents[j].var];
    const Interval &b = in.currentBounds[j];
    if (userNamed.count(x.name) || !b.isBounded())
      continue;
    passes::RangeOverride o;
    o.name = x.name;
    o.lo = b.lo;
    o.hi = b.hi;
    ro.overrides.push_back(o);
  }
  passes::RangeResult rr = passes::analyzeRanges(copy, ro, diags);
  if (!rr.ok)
    return std::nullopt;
  LifRanges out;
  const Variable &V = copy.variables[lif.V];
  const passes::VarRange &rv = rr.var(lif.V);
  bool anyAssumed = false;
  for (size_t j = 0; j < lif.currents.size(); ++j) {
    const Variable &x = copy.variables[lif.currents[j].var];
    const passes::VarRange &r = rr.var(x.id);
    BoundedVar b{x.name, unitText(x.type), r.range, r.kind, r.why};
    if (!userNamed.count(x.name) && in.currentBounds[j].isBounded()) {
      b.kind = in.currentAssumed[j] ? RangeKind::Assumed : RangeKind::Proven;
      b.why = in.currentAssumed[j] ? "densest input of the network, Poisson counts bounded at P < 1e-12 per step"
                                   : "densest input the network can deliver (weights, fan-in, refractoriness)";
    } else if (userNamed.count(x.name)) {
      b.why = "--range";
    }
    anyAssumed = anyAssumed || b.kind == RangeKind::Assumed;
    out.currents.push_back(std::move(b));
  }
  out.V = {V.name, unitText(V.type), rv.range, rv.kind, rv.why};
  if (!userNamed.count(V.name)) {
    out.V.range = out.V.range.hull(in.initialV);
    // Its kind follows from the currents': the analysis sees them as
    // overrides.
    if (out.V.range.isBounded()) {
      out.V.kind = anyAssumed ? RangeKind::Assumed : RangeKind::Proven;
      out.V.why = std::string("range analysis of the step from the currents' ranges") +
                  (in.initialV.isEmpty() ? "" : " and the initial values");
    }
  } else {
    out.V.why = "--range";
  }
  return out;
}

} // namespace nsc::loihi
