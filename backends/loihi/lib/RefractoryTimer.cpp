//===- RefractoryTimer.cpp - A NESTML 8 refractory timer in whole steps ---===//
#include "RefractoryTimer.h"
#include "SolvedModelCopy.h"

#include "nsc/eval/ModelExecutor.h"

#include <algorithm>
#include <cmath>
#include <sstream>

namespace nsc::loihi {

using namespace ir;

std::optional<std::vector<int64_t>> timerHoldSteps(const Model &odeModel, const std::map<VarId, double> &parameters,
                                                   VarId timer, const std::vector<double> &starts, double dtMs,
                                                   int64_t cap, DiagnosticEngine &diags) {
  Module tmp;
  Model *solved = solvedModelCopy(tmp, odeModel, parameters, diags);
  if (!solved)
    return std::nullopt;
  Model &copy = *solved;
  eval::ModelExecutor ex(copy, dtMs);
  std::vector<eval::Value> base(std::max(1u, ex.rowSize()), eval::Value{});
  std::vector<double> ports(std::max(1u, ex.portSlots()), 0.0);
  auto frameOf = [&](std::vector<eval::Value> &row) {
    eval::NeuronFrame f;
    f.row = row.data();
    f.portValue = ports.data();
    return f;
  };
  {
    eval::NeuronFrame f = frameOf(base);
    std::vector<VarId> order = copy.initOrder;
    if (order.empty())
      for (const Variable &v : copy.variables)
        order.push_back(v.id);
    for (VarId v : order) {
      const Variable &var = copy.variables[v];
      if (var.role == VarRole::Local || var.role == VarRole::Argument || var.vectorSize || !var.init)
        continue;
      f.cell(ex.slotOf(v)) = ex.evalAs(*var.init, var.type, f);
    }
    ex.exec(copy.prepare, f);
  }
  std::vector<int64_t> out;
  for (double start : starts) {
    std::vector<eval::Value> row = base;
    eval::NeuronFrame f = frameOf(row);
    ex.store(timer, start, f);
    int64_t n = 0;
    while (n <= cap && eval::ModelExecutor::asDouble(copy.variables[timer].type, f.cell(ex.slotOf(timer))) > 0) {
      f.step = uint64_t(n);
      f.tMs = double(n) * dtMs;
      ex.exec(copy.update, f);
      ++n;
    }
    if (!ex.fatal().empty()) {
      diags.error(odeModel.loc, "while counting the refractory timer's steps: " + ex.fatal());
      return std::nullopt;
    }
    out.push_back(n);
  }
  return out;
}

} // namespace nsc::loihi
