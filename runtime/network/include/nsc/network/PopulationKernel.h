//===- PopulationKernel.h - What runs a model population's step -*- C++ -*-===//
//
// The network engine (Simulation) owns everything between neurons: state
// storage, ring buffers, synapses, sources, recorders. What one neuron does
// within a step (update, on_receive, on_condition: docs/semantics.md
// phases 2-4) is a kernel's job: the interpreter's (ModelExecutor) or a
// compiled one (the cpu backend's JIT-compiled step function). Both see
// the same structure-of-arrays layout, so the engine does not know which
// one it drives.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"
#include "nsc/runtime/Philox.h"

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace nsc::network {

/// One model population as a kernel sees it in a step. Columns follow the
/// model's state layout (nsc/ir/StateLayout.h, ir::layoutOf): variable slot
/// s of neuron i is columns[s][i], an 8-byte cell (double, int64, a bool
/// stored as int64 0/1, or a fixed-point raw int64); port slot p has this
/// step's summed weights in portValue[p][i] and arrival counts in
/// portCount[p][i].
struct PopulationView {
  uint64_t n = 0;
  void *const *columns = nullptr;
  const double *const *portValue = nullptr;
  const uint32_t *const *portCount = nullptr;
  uint8_t *spiked = nullptr; // written for every neuron of the range
  uint32_t populationIndex = 0;
  /// Key of the population's neuron-model random stream (R33, stream 1).
  runtime::PhiloxKey rngKey{};
  double dtMs = 0;
  /// Values of the variables the kernel was specialised as uniform (see
  /// KernelRequest), indexed by slot like `columns` (other cells unused).
  const void *uniforms = nullptr;
};

/// Which model a kernel runs, and what is known about a population's
/// values: `uniform[v]` says that parameter/internal v has one value for
/// every neuron, so compiled code may read it once per step call (from
/// PopulationView::uniforms) instead of once per neuron from its column.
/// Populations of one model with the same uniform set share a kernel.
struct KernelRequest {
  const ir::Model *model = nullptr;
  double dtMs = 0;
  std::vector<bool> uniform; // by VarId
};

enum class StepStatus { Ok, NonFinite, Fatal };

class PopulationKernel {
public:
  virtual ~PopulationKernel() = default;
  /// Prepares `workers` independent execution contexts (threads).
  virtual void setWorkers(unsigned workers) = 0;
  /// Advances neurons [begin, end) through step k on worker `worker`.
  /// NonFinite: some real state of the range is NaN/inf afterwards (the
  /// engine finds and reports it); Fatal: see fatalMessage(worker).
  virtual StepStatus step(const PopulationView &view, uint64_t begin, uint64_t end, uint64_t k,
                          unsigned worker) = 0;
  virtual std::string fatalMessage(unsigned worker) const = 0;
  /// Adds the run-time warnings of every worker (text -> count) and clears them.
  virtual void drainWarnings(std::map<std::string, uint64_t> &into) = 0;
  /// Whether step() sets the port value and count cells of the neurons it
  /// advanced to zero (the engine then skips its own pass over the slot).
  virtual bool clearsInputs() const { return false; }
  /// A short name for --stats ("interp", "cpu").
  virtual const char *name() const = 0;
};

/// Makes the kernel for a request. Null after reporting an error.
using KernelFactory =
    std::function<std::unique_ptr<PopulationKernel>(const KernelRequest &request, DiagnosticEngine &diags)>;

} // namespace nsc::network
