//===- Mapping.h - nsc models and networks to a core configuration -*- C++ -*-===//
//
// Recognises current-based LIF models by the structure of their IR (not by
// names): a membrane variable V compared against a threshold in the spike
// condition and reset to a constant, K synaptic variables with pure
// exponential decay that spike ports add to (times constants, NESTML 8's
// `* pA * s`), delta synapses that jump V, V' linear in V, the synaptic
// variables and constants, an optional refractory counter (integer steps,
// or NESTML 8's timer `refr_t`). Each population
// of such a model becomes compartment groups (one soma, and one dendrite
// per distinct synaptic time constant when there are several), each
// projection a synapse group with quantized weights; Poisson and
// spike-time sources become input spike generators. What does not fit gets
// a diagnostic at the term that prevents it. Scales and rounding rules:
// docs/loihi.md §2-3.
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/support/Diagnostics.h"
#include "nsc/ir/IR.h"
#include "nsc/loihi/CoreConfig.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace nsc::loihi {

struct MappingOptions {
  CoreLimits limits;
  /// Headroom below min(V_reset, rest, initial V) that the voltage scale
  /// keeps representable, in units of (V_th - V_reset), used only when
  /// the range analysis finds no finite range for V (docs/loihi.md §3).
  double lowerHeadroom = 2.0;
  /// `--range VAR=lo..hi` overrides, as for the quantize pass: they replace
  /// the ranges the mapping derives for V and the synaptic variables.
  std::vector<std::string> ranges;
  /// When set, the quantization report (registers, scales, representable
  /// ranges, error per step per compartment and synapse group) goes here.
  std::ostream *explain = nullptr;
};

/// The network's settings that the Loihi target refuses rather than
/// ignore (docs/loihi.md §2): a `homeostasis for POP:` block (a Loihi
/// compartment group shares one threshold register and has no controller
/// to move it per neuron) and fixed-point precision (the target quantizes
/// the real-valued model into its own registers; a model's Qm.n arithmetic
/// cannot act). Each gets an error naming the block or setting and what to
/// do; float32 precision gets a warning (it does not act either, and is
/// within the float64 model's rounding), and so do the Verilog interface
/// blocks `aer for` and `detector for` (no effect, as on cpu). True when
/// nothing is refused.
/// mapNetwork runs it first.
bool checkLoihiSettings(const ir::Module &module, uint32_t networkIndex, DiagnosticEngine &diags);

/// Maps network `networkIndex` of the lowered `module` (before solve-odes;
/// the ODE-preserving passes are run here). Not placed yet (Placement.h).
/// nullopt after reporting through `diags`.
std::optional<CoreConfig> mapNetwork(ir::Module &module, uint32_t networkIndex, const MappingOptions &options,
                                     DiagnosticEngine &diags);

} // namespace nsc::loihi
