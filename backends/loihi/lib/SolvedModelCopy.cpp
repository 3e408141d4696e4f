//===- SolvedModelCopy.cpp - A model with fixed parameters, ODEs solved ---===//
#include "SolvedModelCopy.h"

#include "nsc/ir/ModelClone.h"
#include "nsc/passes/PassManager.h"

#include <cmath>
#include <sstream>

namespace nsc::loihi {

using namespace ir;

Model *solvedModelCopy(Module &into, const Model &model, const std::map<VarId, double> &parameters,
                       DiagnosticEngine &diags) {
  Model &copy = into.addModel(cloneModel(model));
  for (auto &[v, value] : parameters) {
    Variable &var = copy.variables[v];
    auto c = std::make_unique<Constant>(var.type);
    if (var.type.kind == TypeKind::Int)
      c->integer = int64_t(std::llround(value));
    else
      c->real = value;
    c->loc = var.loc;
    var.init = std::move(c);
  }
  passes::PassManager pm;
  std::ostringstream log;
  passes::PassContext ctx(diags, log);
  if (!pm.addPipeline("solve-odes", diags) || !pm.run(into, ctx))
    return nullptr;
  return &copy;
}

} // namespace nsc::loihi
