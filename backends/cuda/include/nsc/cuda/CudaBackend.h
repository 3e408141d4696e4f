//===- CudaBackend.h - CUDA source from the IR ------------------*- C++ -*-===//
//
// The cuda target (docs/cuda.md): readable CUDA C++ from a module after the
// default pass pipeline. Emission needs no CUDA installation; compiling and
// running the result does (nvcc, or the NVRTC/driver-API launcher).
//
//   emitCuda         one .cu file: a device step function per neuron model,
//                    a kernel per population (one thread per neuron, spikes
//                    compacted per block), a delivery kernel per projection
//                    with the strategy planDelivery chose.
//   runtimeFiles     the fixed files every output includes or builds with
//                    (nsc_cuda_abi.h, nsc_cuda_runtime.cuh, the launcher).
//   writeNetworkImage the built network as the binary file the launcher
//                    loads (initial state, synapses, sources, recorders).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"
#include "nsc/network/Simulation.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace nsc::cuda {

/// How one projection's spikes reach their targets (docs/cuda.md).
enum class Delivery : uint32_t {
  PreCount = 0,    // pre-synaptic span, one warp per spike, atomic arrival counts
  PostOrdered = 1, // post-synaptic span, one thread per target, reference order
  PostShared = 2,  // the same with the source's spikes staged in shared memory
  Current = 3,     // continuous input from a current source (R18)
};
const char *deliveryName(Delivery d); // "pre_count", "post_ordered", "post_shared", "current"

struct ProjectionPlan {
  Delivery delivery = Delivery::PostOrdered;
  bool countMode = false;   // every target port it feeds is a count-mode port
  bool constDelay = false;  // one delay, known at compile time
  uint32_t delaySteps = 1;
  double density = 0;       // expected fraction of the source slice per target
  std::string kernel;       // nsc_deliver_qN
  std::string reason;       // one line for the generated comment and the report
};

struct PopulationPlan {
  std::string kernel;       // nsc_step_pN_NAME, nsc_poisson_source, nsc_spike_generator, or "" (current sources)
  uint64_t countMask = 0;   // bit s: port slot s is a count-mode port
  std::vector<std::string> warnings; // texts of status bits 16, 17, ... (filled by emitCuda)
};

/// The network's kernels and strategies (empty for a module without one).
struct NetworkPlan {
  const ir::Network *network = nullptr;
  std::vector<PopulationPlan> populations;
  std::vector<ProjectionPlan> projections;
};

/// Chooses the delivery of every projection of `net` (docs/cuda.md): the
/// count mode of each (population, port slot), then per projection a
/// strategy from its connectivity, size and the order rule R17. Reports
/// what the target cannot run yet (plastic synapses, fixed point) to diags.
bool planNetwork(const ir::Module &m, const ir::Network &net, NetworkPlan &plan, DiagnosticEngine &diags);

/// The generated source: `net` may be null (then every neuron model of `m`
/// gets its device step function and a generic kernel, for inspection and
/// compile checks). Fills the plan's warning texts. False after diagnostics.
bool emitCuda(const ir::Module &m, const ir::Network *net, NetworkPlan *plan, const std::string &fileName,
              std::string &out, DiagnosticEngine &diags);

/// (file name, contents) of nsc_cuda_abi.h, nsc_cuda_runtime.cuh,
/// nsc_cuda_launcher.h, nsc_cuda_launcher.cpp and nsc_cuda_main.cpp.
const std::vector<std::pair<std::string, std::string>> &runtimeFiles();

/// Writes the built network (`sim` exported at step 0) with the plan's
/// kernels and the network's recorders, in the format nsc_cuda_launcher.cpp
/// reads. Checks what the plan assumed from the IR (one weight per
/// count-mode port). False with `error` set.
bool writeNetworkImage(const ir::Module &m, const ir::Network &net, const NetworkPlan &plan,
                       const network::ExportedNetwork &exported, const std::string &path, std::string &error);

} // namespace nsc::cuda
