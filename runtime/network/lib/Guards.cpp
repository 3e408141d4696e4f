//===- Guards.cpp - Enforcing declared guards `[[...]]` -------------------===//
//
// A guard is an invariant the model author declared on a variable
// (`tau_m ms = 10 ms [[tau_m > 0 ms]]`). The engine enforces them
// (docs/semantics.md R39):
//   - parameters, internals and initial states: once the initial values
//     (model defaults, network and --param overrides, distributions) and
//     `prepare` are in place, for every neuron;
//   - a value set through the API (setValues): before it takes effect, and
//     it is refused (nothing changes) when a guard fails;
//   - state variables: after the model phase of every step, for the
//     populations whose model guards a state variable. The check runs in
//     the engine, so cpu and interp stop at the same step and neuron; models
//     without state guards pay nothing.
//
//===----------------------------------------------------------------------===//
#include "Engine.h"

#include "nsc/ir/Printer.h"

#include <cstdio>

namespace nsc::network {

using namespace ir;

namespace {

std::string valueText(const Variable &v, Value x) {
  std::string s;
  if (v.type.kind == TypeKind::Bool)
    return x.b ? "true" : "false";
  if (v.type.kind == TypeKind::Int)
    s = std::to_string(x.i);
  else
    s = formatReal(ModelExecutor::asDouble(v.type, x));
  if (v.type.isNumeric() && !v.type.unit.isDimensionless())
    s += " " + units::formatUnit(v.type.unit);
  return s;
}

const char *roleName(VarRole r) {
  switch (r) {
  case VarRole::Parameter: return "parameter";
  case VarRole::Internal: return "internal";
  case VarRole::State: return "state variable";
  default: return "variable";
  }
}

/// The guard as the author wrote it when its source is at hand (one line),
/// else as the IR prints it.
std::string guardText(const DiagnosticEngine &diags, const Expr &guard, const Model &m) {
  const SourceRange &r = guard.loc;
  const SourceManager &sm = diags.sourceManager();
  if (r.valid() && r.begin.file <= sm.numFiles() && r.end.line == r.begin.line && r.end.col > r.begin.col) {
    std::string_view line = sm.lineText(r.begin.file, r.begin.line);
    if (r.end.col - 1 <= line.size())
      return std::string(line.substr(r.begin.col - 1, r.end.col - r.begin.col));
  }
  return printExpr(guard, &m);
}

} // namespace

bool NetworkSimulation::hasStateGuards(const Model &m) {
  for (const Variable &v : m.variables)
    if (v.role == VarRole::State && v.guard && !v.vectorSize)
      return true;
  return false;
}

std::optional<GuardViolation> NetworkSimulation::findGuardViolation(PopulationRuntime &ps, uint64_t k,
                                                                    bool statesOnly) {
  const Model &m = *ps.model;
  for (uint64_t i = 0; i < ps.n; ++i) {
    NeuronFrame f = ps.frame(i, k, dt_);
    for (const Variable &v : m.variables) {
      if (!v.guard || v.vectorSize || (statesOnly && v.role != VarRole::State))
        continue;
      if (v.role != VarRole::Parameter && v.role != VarRole::Internal && v.role != VarRole::State)
        continue;
      if (ps.exec->eval(*v.guard, f).b)
        continue;
      GuardViolation g;
      g.at = v.guard->loc.valid() ? v.guard->loc : v.loc;
      for (const PopulationInit &pi : ps.pop->inits)
        if (pi.var == v.id && pi.loc.valid())
          g.setAt = pi.loc;
      g.message = std::string(roleName(v.role)) + " '" + v.name + "' of population '" + ps.pop->name +
                  "' (neuron " + std::to_string(i) + ") is " + valueText(v, f.cell(ps.exec->slotOf(v.id))) +
                  ", which violates its guard [[" + guardText(diags_, *v.guard, m) + "]]";
      return g;
    }
  }
  return std::nullopt;
}

bool NetworkSimulation::checkInitialGuards(PopulationRuntime &ps) {
  auto g = findGuardViolation(ps, step_, false);
  if (!g)
    return true;
  auto d = diags_.error(g->at, g->message);
  if (g->setAt.valid())
    d.note(g->setAt, "'" + ps.pop->name + "' sets the value here");
  return false;
}

bool NetworkSimulation::checkStateGuards(uint64_t k) {
  for (PopulationRuntime &ps : pops_) {
    if (!ps.isModel() || !ps.stateGuards)
      continue;
    auto g = findGuardViolation(ps, k, true);
    if (!g)
      continue;
    char t[64];
    std::snprintf(t, sizeof t, "%.10g", double(k + 1) * dt_);
    return fail(g->at, g->message + " at the end of the step ending at t = " + t + " ms; the run stops here");
  }
  return true;
}

} // namespace nsc::network
