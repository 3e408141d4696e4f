//===- SolvedModelCopy.h - A model with fixed parameters, ODEs solved -----===//
//
// The Loihi mapping runs a population's own update on one neuron (to find a
// refractory timer's hold, or the ranges of its state): a copy of the
// model whose parameters are that population's constants and whose
// integrate_odes calls the solve-odes pass has lowered.
//
//===----------------------------------------------------------------------===//
#ifndef NSC_BACKENDS_LOIHI_SOLVEDMODELCOPY_H
#define NSC_BACKENDS_LOIHI_SOLVEDMODELCOPY_H

#include "nsc/ir/IR.h"
#include "nsc/support/Diagnostics.h"

#include <map>

namespace nsc::loihi {

/// Adds to `into` a copy of `model` whose parameters listed in `parameters`
/// start at those constants, and runs solve-odes on it. Null (diagnostics
/// in `diags`) when the pass fails.
ir::Model *solvedModelCopy(ir::Module &into, const ir::Model &model, const std::map<ir::VarId, double> &parameters,
                           DiagnosticEngine &diags);

} // namespace nsc::loihi

#endif
