//===- Semantics.h - Resolved execution semantics ---------------*- C++ -*-===//
//
// The execution semantics of one model or population, fully resolved: no
// field is "unset". Lowering merges the `semantics:` blocks that apply, each
// overriding only the keys it names, in this order (later wins):
//
//   defaults < file of the model < file of the network < network
//            < model's own block < `semantics for POP:` in the network
//
// A model's own block beats the network because it states what the model
// author requires (e.g. `solver = exact`); the population block is the user's
// final word for one population. Defaults: dt = 0.1 ms, solver = auto,
// precision = float64, spikes = event, seed = 0, rk45 rtol = 1e-6 and
// atol = 1e-9 (in the unit of each state variable).
//
//===----------------------------------------------------------------------===//
#pragma once

#include "nsc/ir/Type.h"

#include <cstdint>
#include <string>

namespace nsc::ir {

enum class Solver { Auto, Exact, ExpEuler, RK4, RK45, Euler };
enum class SpikeMode { Event, Rate };
/// Fixed point only: one format for every real value of the model (the
/// precision's Qm.n, R29), or a format per variable and intermediate chosen
/// by the quantize pass from its range, all of the precision's word length
/// m + n (`fixed(Q16.16, formats = per_variable)`, docs/quantization.md).
enum class FixedFormats { Uniform, PerVariable };

struct Semantics {
  double dtMs = 0.1;
  Solver solver = Solver::Auto;
  Precision precision; // f64
  SpikeMode spikes = SpikeMode::Event;
  uint64_t seed = 0;
  double rk45Rtol = 1e-6;
  double rk45Atol = 1e-9;
  FixedFormats fixedFormats = FixedFormats::Uniform; // meaningful for fixed precision

  bool operator==(const Semantics &o) const {
    return dtMs == o.dtMs && solver == o.solver && precision == o.precision &&
           spikes == o.spikes && seed == o.seed && rk45Rtol == o.rk45Rtol &&
           rk45Atol == o.rk45Atol && fixedFormats == o.fixedFormats;
  }
  bool operator!=(const Semantics &o) const { return !(*this == o); }
};

/// Source spellings: "auto", "exact", "exp_euler", "rk4", "rk45", "euler".
const char *solverName(Solver s);
/// "event", "rate".
const char *spikeModeName(SpikeMode m);
/// "nearest_even", "toward_zero", "floor".
const char *roundingName(Rounding r);
/// "saturate", "wrap".
const char *overflowName(Overflow o);
/// The IR's spelling of a precision: "f64", "f32",
/// "fixed<Q8.8, nearest_even, saturate>".
std::string precisionName(const Precision &p);

} // namespace nsc::ir
